{#- dbt's date macros (docs.getdbt.com/reference/dbt-jinja-functions/cross-database-macros#date-functions). -#}

{%- macro date_trunc(datepart, date) -%}{{ adapter.dispatch('date_trunc', 'dbt')(datepart, date) }}{%- endmacro -%}
{%- macro default__date_trunc(datepart, date) -%}date_trunc('{{ datepart }}', {{ date }}){%- endmacro -%}

{%- macro dateadd(datepart, interval, from_date_or_timestamp) -%}{{ adapter.dispatch('dateadd', 'dbt')(datepart, interval, from_date_or_timestamp) }}{%- endmacro -%}
{%- macro default__dateadd(datepart, interval, from_date_or_timestamp) -%}dateadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }}){%- endmacro -%}
{%- macro postgres__dateadd(datepart, interval, from_date_or_timestamp) -%}{{ from_date_or_timestamp }} + ((interval '1 {{ datepart }}') * ({{ interval }})){%- endmacro -%}
{%- macro duckdb__dateadd(datepart, interval, from_date_or_timestamp) -%}
{%- set unit = datepart | lower -%}
{%- if unit == 'quarter' -%}({{ from_date_or_timestamp }} + (cast({{ interval }} as bigint) * 3) * interval 1 month)
{%- elif unit == 'week' -%}({{ from_date_or_timestamp }} + (cast({{ interval }} as bigint) * 7) * interval 1 day)
{%- else -%}({{ from_date_or_timestamp }} + cast({{ interval }} as bigint) * interval 1 {{ unit }})
{%- endif -%}
{%- endmacro -%}

{%- macro datediff(first_date, second_date, datepart) -%}{{ adapter.dispatch('datediff', 'dbt')(first_date, second_date, datepart) }}{%- endmacro -%}
{%- macro default__datediff(first_date, second_date, datepart) -%}datediff({{ datepart }}, {{ first_date }}, {{ second_date }}){%- endmacro -%}
{%- macro _datediff_weeks(first_date, second_date, days) -%}
({{ days }} + case when date_part('dow', ({{ first_date }})::timestamp) <= date_part('dow', ({{ second_date }})::timestamp) then case when {{ first_date }} <= {{ second_date }} then 0 else -1 end else case when {{ first_date }} <= {{ second_date }} then 1 else 0 end end)
{%- endmacro -%}
{%- macro duckdb__datediff(first_date, second_date, datepart) -%}
{%- if datepart == 'week' -%}{{ dbt._datediff_weeks(first_date, second_date, datediff(first_date, second_date, 'day') ~ ' // 7') }}
{%- else -%}(date_diff('{{ datepart }}', {{ first_date }}::timestamp, {{ second_date }}::timestamp))
{%- endif -%}
{%- endmacro -%}
{%- macro postgres__datediff(first_date, second_date, datepart) -%}
{%- if datepart == 'year' -%}(date_part('year', ({{ second_date }})::date) - date_part('year', ({{ first_date }})::date))
{%- elif datepart == 'quarter' -%}({{ datediff(first_date, second_date, 'year') }} * 4 + date_part('quarter', ({{ second_date }})::date) - date_part('quarter', ({{ first_date }})::date))
{%- elif datepart == 'month' -%}({{ datediff(first_date, second_date, 'year') }} * 12 + date_part('month', ({{ second_date }})::date) - date_part('month', ({{ first_date }})::date))
{%- elif datepart == 'day' -%}(({{ second_date }})::date - ({{ first_date }})::date)
{%- elif datepart == 'week' -%}{{ dbt._datediff_weeks(first_date, second_date, datediff(first_date, second_date, 'day') ~ ' / 7') }}
{%- elif datepart == 'hour' -%}({{ datediff(first_date, second_date, 'day') }} * 24 + date_part('hour', ({{ second_date }})::timestamp) - date_part('hour', ({{ first_date }})::timestamp))
{%- elif datepart == 'minute' -%}({{ datediff(first_date, second_date, 'hour') }} * 60 + date_part('minute', ({{ second_date }})::timestamp) - date_part('minute', ({{ first_date }})::timestamp))
{%- elif datepart == 'second' -%}({{ datediff(first_date, second_date, 'minute') }} * 60 + floor(date_part('second', ({{ second_date }})::timestamp)) - floor(date_part('second', ({{ first_date }})::timestamp)))
{%- elif datepart == 'millisecond' -%}({{ datediff(first_date, second_date, 'minute') }} * 60000 + floor(date_part('millisecond', ({{ second_date }})::timestamp)) - floor(date_part('millisecond', ({{ first_date }})::timestamp)))
{%- elif datepart == 'microsecond' -%}({{ datediff(first_date, second_date, 'minute') }} * 60000000 + floor(date_part('microsecond', ({{ second_date }})::timestamp)) - floor(date_part('microsecond', ({{ first_date }})::timestamp)))
{%- else -%}{{ exceptions.raise_compiler_error("Unsupported datepart for macro datediff in postgres: '" ~ datepart ~ "'") }}
{%- endif -%}
{%- endmacro -%}

{%- macro last_day(date, datepart) -%}{{ adapter.dispatch('last_day', 'dbt')(date, datepart) }}{%- endmacro -%}
{%- macro default_last_day(date, datepart) -%}cast({{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }} as date){%- endmacro -%}
{%- macro default__last_day(date, datepart) -%}{{ dbt.default_last_day(date, datepart) }}{%- endmacro -%}
{%- macro _last_day_of_quarter(date, datepart) -%}cast({{ dbt.dateadd('day', '-1', dbt.dateadd('month', '3', dbt.date_trunc(datepart, date))) }} as date){%- endmacro -%}
{%- macro postgres__last_day(date, datepart) -%}{% if datepart == 'quarter' %}-- postgres dateadd does not support quarter interval.
{{ dbt._last_day_of_quarter(date, datepart) }}{% else %}{{ dbt.default_last_day(date, datepart) }}{% endif %}{%- endmacro -%}
{%- macro duckdb__last_day(date, datepart) -%}{% if datepart == 'quarter' %}-- duckdb dateadd does not support quarter interval.
{{ dbt._last_day_of_quarter(date, datepart) }}{% else %}{{ dbt.default_last_day(date, datepart) }}{% endif %}{%- endmacro -%}

{%- macro date(year, month, day) -%}{{ adapter.dispatch('date', 'dbt')(year, month, day) }}{%- endmacro -%}
{%- macro default__date(year, month, day) -%}to_date('{{ modules.datetime.date(year, month, day).strftime('%Y-%m-%d') }}', 'YYYY-MM-DD'){%- endmacro -%}
{%- macro duckdb__date(year, month, day) -%}make_date({{ year }}, {{ month }}, {{ day }}){%- endmacro -%}

{%- macro current_timestamp() -%}{{ adapter.dispatch('current_timestamp', 'dbt')() }}{%- endmacro -%}
{%- macro default__current_timestamp() -%}{{ exceptions.raise_not_implemented('current_timestamp macro not implemented for adapter ' ~ adapter.type()) }}{%- endmacro -%}
{%- macro postgres__current_timestamp() -%}now(){%- endmacro -%}
{%- macro duckdb__current_timestamp() -%}now(){%- endmacro -%}
{%- macro current_timestamp_backcompat() -%}{{ adapter.dispatch('current_timestamp_backcompat', 'dbt')() }}{%- endmacro -%}
{%- macro default__current_timestamp_backcompat() -%}current_timestamp::timestamp{%- endmacro -%}
{%- macro snapshot_get_time() -%}{{ adapter.dispatch('snapshot_get_time', 'dbt')() }}{%- endmacro -%}
{%- macro default__snapshot_get_time() -%}{{ current_timestamp() }}{%- endmacro -%}

{%- macro get_powers_of_two(upper_bound) -%}{{ adapter.dispatch('get_powers_of_two', 'dbt')(upper_bound) }}{%- endmacro -%}
{%- macro default__get_powers_of_two(upper_bound) -%}
{%- if upper_bound <= 0 -%}{{ exceptions.raise_compiler_error("upper bound must be positive") }}{%- endif -%}
{%- set found = [] -%}
{%- for i in range(1, 100) -%}{%- if found | length == 0 and upper_bound <= 2 ** i -%}{%- set _ = found.push(i) -%}{%- endif -%}{%- endfor -%}
{{ found[0] }}
{%- endmacro -%}
{%- macro generate_series(upper_bound) -%}{{ adapter.dispatch('generate_series', 'dbt')(upper_bound) }}{%- endmacro -%}
{%- macro default__generate_series(upper_bound) -%}
{%- set n = dbt.get_powers_of_two(upper_bound) | int -%}
with p as (
    select 0 as generated_number union all select 1
), unioned as (
    select
    {% for i in range(n) %}p{{ i }}.generated_number * power(2, {{ i }}){% if not loop.last %} + {% endif %}{% endfor %}
    + 1 as generated_number
    from
    {% for i in range(n) %}p as p{{ i }}{% if not loop.last %} cross join {% endif %}{% endfor %}
)
select *
from unioned
where generated_number <= {{ upper_bound }}
order by generated_number
{%- endmacro -%}
{%- macro duckdb__generate_series(upper_bound) -%}select generate_series as generated_number from generate_series(1, {{ upper_bound }}){%- endmacro -%}
