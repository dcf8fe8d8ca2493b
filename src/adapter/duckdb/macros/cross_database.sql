{#- DuckDB's implementations of dbt's cross-database macros (dispatched to by the `dbt` package's
    macros in src/templating/builtin-macros/), following dbt-duckdb's SQL. -#}

{%- macro duckdb__any_value(expression) -%}arbitrary({{ expression }}){%- endmacro -%}
{%- macro duckdb__array_construct(inputs, data_type) -%}
{%- if inputs | length > 0 -%}[ {{ inputs | join(' , ') }} ]{%- else -%}cast([] as {{ data_type }}[]){%- endif -%}
{%- endmacro -%}
{%- macro duckdb__safe_cast(field, type) -%}try_cast({{ field }} as {{ type }}){%- endmacro -%}
{%- macro duckdb__split_part(string_text, delimiter_text, part_number) -%}string_split({{ string_text }}, {{ delimiter_text }})[ {{ part_number }} ]{%- endmacro -%}
{%- macro duckdb__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
{%- if limit_num -%}
list_aggr((array_agg({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}))[1:{{ limit_num }}], 'string_agg', {{ delimiter_text }})
{%- else -%}
string_agg({{ measure }}, {{ delimiter_text }}{% if order_by_clause %} {{ order_by_clause }}{% endif %})
{%- endif -%}
{%- endmacro -%}
