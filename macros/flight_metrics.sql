{# Reusable SQL snippets for flight metrics. Each macro returns a SQL expression. #}

{# True when a flight departed no more than `threshold` minutes late (FAA convention: 15). #}
{% macro is_on_time(column, threshold=15) -%}
({{ column }} <= {{ threshold }})
{%- endmacro %}

{# Minutes as decimal hours, rounded to `precision` places. #}
{% macro minutes_to_hours(column, precision=2) -%}
round({{ column }} / 60.0, {{ precision }})
{%- endmacro %}
