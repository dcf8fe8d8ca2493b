{#- DuckDB's implementations of dbt's date macros (dispatched to by the `dbt` package's macros in
    src/templating/builtin-macros/), following dbt-duckdb's SQL. Calls to other dbt macros go
    through `dbt.` so a project's own macro of the same name does not replace them. -#}

{%- macro duckdb__dateadd(datepart, interval, from_date_or_timestamp) -%}
{%- set unit = datepart | lower -%}
{%- if unit == 'quarter' -%}({{ from_date_or_timestamp }} + (cast({{ interval }} as bigint) * 3) * interval 1 month)
{%- elif unit == 'week' -%}({{ from_date_or_timestamp }} + (cast({{ interval }} as bigint) * 7) * interval 1 day)
{%- else -%}({{ from_date_or_timestamp }} + cast({{ interval }} as bigint) * interval 1 {{ unit }})
{%- endif -%}
{%- endmacro -%}
{%- macro duckdb__datediff(first_date, second_date, datepart) -%}
{%- if datepart == 'week' -%}{{ dbt._datediff_weeks(first_date, second_date, dbt.datediff(first_date, second_date, 'day') ~ ' // 7') }}
{%- else -%}(date_diff('{{ datepart }}', {{ first_date }}::timestamp, {{ second_date }}::timestamp))
{%- endif -%}
{%- endmacro -%}
{%- macro duckdb__last_day(date, datepart) -%}{% if datepart == 'quarter' %}-- duckdb dateadd does not support quarter interval.
{{ dbt._last_day_of_quarter(date, datepart) }}{% else %}{{ dbt.default_last_day(date, datepart) }}{% endif %}{%- endmacro -%}
{%- macro duckdb__date(year, month, day) -%}make_date({{ year }}, {{ month }}, {{ day }}){%- endmacro -%}
{%- macro duckdb__current_timestamp() -%}now(){%- endmacro -%}
{%- macro duckdb__generate_series(upper_bound) -%}select generate_series as generated_number from generate_series(1, {{ upper_bound }}){%- endmacro -%}
