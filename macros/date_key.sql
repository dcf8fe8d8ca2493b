{# Integer yyyymmdd key for a DATE expression; shared by dim_date and fact_flights so the keys always match. #}
{% macro date_key(column) -%}
cast(year({{ column }}) * 10000 + month({{ column }}) * 100 + day({{ column }}) as integer)
{%- endmacro %}
