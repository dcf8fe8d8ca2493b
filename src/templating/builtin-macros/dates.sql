{#- dbt's date macros (docs.getdbt.com/reference/dbt-jinja-functions/cross-database-macros#date-functions);
    the engines' `<adapter>__name` implementations live in src/adapter/<type>/macros/. -#}

{%- macro date_trunc(datepart, date) -%}{{ adapter.dispatch('date_trunc', 'dbt')(datepart, date) }}{%- endmacro -%}
{%- macro default__date_trunc(datepart, date) -%}date_trunc('{{ datepart }}', {{ date }}){%- endmacro -%}

{%- macro dateadd(datepart, interval, from_date_or_timestamp) -%}{{ adapter.dispatch('dateadd', 'dbt')(datepart, interval, from_date_or_timestamp) }}{%- endmacro -%}
{%- macro default__dateadd(datepart, interval, from_date_or_timestamp) -%}dateadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }}){%- endmacro -%}

{%- macro datediff(first_date, second_date, datepart) -%}{{ adapter.dispatch('datediff', 'dbt')(first_date, second_date, datepart) }}{%- endmacro -%}
{%- macro default__datediff(first_date, second_date, datepart) -%}datediff({{ datepart }}, {{ first_date }}, {{ second_date }}){%- endmacro -%}
{%- macro _datediff_weeks(first_date, second_date, days) -%}
({{ days }} + case when date_part('dow', ({{ first_date }})::timestamp) <= date_part('dow', ({{ second_date }})::timestamp) then case when {{ first_date }} <= {{ second_date }} then 0 else -1 end else case when {{ first_date }} <= {{ second_date }} then 1 else 0 end end)
{%- endmacro -%}

{%- macro last_day(date, datepart) -%}{{ adapter.dispatch('last_day', 'dbt')(date, datepart) }}{%- endmacro -%}
{%- macro default_last_day(date, datepart) -%}cast({{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }} as date){%- endmacro -%}
{%- macro default__last_day(date, datepart) -%}{{ dbt.default_last_day(date, datepart) }}{%- endmacro -%}
{%- macro _last_day_of_quarter(date, datepart) -%}cast({{ dbt.dateadd('day', '-1', dbt.dateadd('month', '3', dbt.date_trunc(datepart, date))) }} as date){%- endmacro -%}

{%- macro date(year, month, day) -%}{{ adapter.dispatch('date', 'dbt')(year, month, day) }}{%- endmacro -%}
{%- macro default__date(year, month, day) -%}to_date('{{ modules.datetime.date(year, month, day).strftime('%Y-%m-%d') }}', 'YYYY-MM-DD'){%- endmacro -%}

{%- macro current_timestamp() -%}{{ adapter.dispatch('current_timestamp', 'dbt')() }}{%- endmacro -%}
{%- macro default__current_timestamp() -%}{{ exceptions.raise_not_implemented('current_timestamp macro not implemented for adapter ' ~ adapter.type()) }}{%- endmacro -%}
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
