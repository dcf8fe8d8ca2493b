{#
  The example's relations live in short schemas (staging.stg_flights, core.fact_flights, raw.airports)
  rather than dbt's default `<target schema>_<custom schema>` (main_staging, ...): a custom schema
  is used as written, and nodes without one go to the target's schema.
  https://docs.getdbt.com/docs/build/custom-schemas#changing-the-way-dbt-generates-a-schema-name
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}
    {{ target.schema }}
  {%- else -%}
    {{ custom_schema_name | trim }}
  {%- endif -%}
{%- endmacro %}
