{#- PostgreSQL's implementations of dbt's cross-database macros (dispatched to by the `dbt` package's
    macros in src/templating/builtin-macros/), following dbt-postgres' SQL. -#}

{%- macro postgres__any_value(expression) -%}min({{ expression }}){%- endmacro -%}
{%- macro postgres__split_part(string_text, delimiter_text, part_number) -%}
{%- if part_number >= 0 -%}{{ dbt.default__split_part(string_text, delimiter_text, part_number) }}{%- else -%}{{ dbt._split_part_negative(string_text, delimiter_text, part_number) }}{%- endif -%}
{%- endmacro -%}
{%- macro postgres__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
{%- if limit_num -%}
array_to_string((array_agg({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}))[1:{{ limit_num }}], {{ delimiter_text }})
{%- else -%}
string_agg({{ measure }}, {{ delimiter_text }}{% if order_by_clause %} {{ order_by_clause }}{% endif %})
{%- endif -%}
{%- endmacro -%}
