{#- PostgreSQL's implementations of dbt's date macros (dispatched to by the `dbt` package's macros in
    src/templating/builtin-macros/), following dbt-postgres' SQL. Calls to other dbt macros go
    through `dbt.` so a project's own macro of the same name does not replace them. -#}

{%- macro postgres__dateadd(datepart, interval, from_date_or_timestamp) -%}{{ from_date_or_timestamp }} + ((interval '1 {{ datepart }}') * ({{ interval }})){%- endmacro -%}
{%- macro postgres__datediff(first_date, second_date, datepart) -%}
{%- if datepart == 'year' -%}(date_part('year', ({{ second_date }})::date) - date_part('year', ({{ first_date }})::date))
{%- elif datepart == 'quarter' -%}({{ dbt.datediff(first_date, second_date, 'year') }} * 4 + date_part('quarter', ({{ second_date }})::date) - date_part('quarter', ({{ first_date }})::date))
{%- elif datepart == 'month' -%}({{ dbt.datediff(first_date, second_date, 'year') }} * 12 + date_part('month', ({{ second_date }})::date) - date_part('month', ({{ first_date }})::date))
{%- elif datepart == 'day' -%}(({{ second_date }})::date - ({{ first_date }})::date)
{%- elif datepart == 'week' -%}{{ dbt._datediff_weeks(first_date, second_date, dbt.datediff(first_date, second_date, 'day') ~ ' / 7') }}
{%- elif datepart == 'hour' -%}({{ dbt.datediff(first_date, second_date, 'day') }} * 24 + date_part('hour', ({{ second_date }})::timestamp) - date_part('hour', ({{ first_date }})::timestamp))
{%- elif datepart == 'minute' -%}({{ dbt.datediff(first_date, second_date, 'hour') }} * 60 + date_part('minute', ({{ second_date }})::timestamp) - date_part('minute', ({{ first_date }})::timestamp))
{%- elif datepart == 'second' -%}({{ dbt.datediff(first_date, second_date, 'minute') }} * 60 + floor(date_part('second', ({{ second_date }})::timestamp)) - floor(date_part('second', ({{ first_date }})::timestamp)))
{%- elif datepart == 'millisecond' -%}({{ dbt.datediff(first_date, second_date, 'minute') }} * 60000 + floor(date_part('millisecond', ({{ second_date }})::timestamp)) - floor(date_part('millisecond', ({{ first_date }})::timestamp)))
{%- elif datepart == 'microsecond' -%}({{ dbt.datediff(first_date, second_date, 'minute') }} * 60000000 + floor(date_part('microsecond', ({{ second_date }})::timestamp)) - floor(date_part('microsecond', ({{ first_date }})::timestamp)))
{%- else -%}{{ exceptions.raise_compiler_error("Unsupported datepart for macro datediff in postgres: '" ~ datepart ~ "'") }}
{%- endif -%}
{%- endmacro -%}
{%- macro postgres__last_day(date, datepart) -%}{% if datepart == 'quarter' %}-- postgres dateadd does not support quarter interval.
{{ dbt._last_day_of_quarter(date, datepart) }}{% else %}{{ dbt.default_last_day(date, datepart) }}{% endif %}{%- endmacro -%}
{%- macro postgres__current_timestamp() -%}now(){%- endmacro -%}
