-- History of the airports seed (type 2 slowly changing dimension): edit a row
-- of seeds/airports.csv, run `dops build` (or `dops seed && dops snapshot`)
-- again, and the old version gets a dbt_valid_to while the new one starts.
{% snapshot airports_snapshot %}
{{ config(
    schema='snapshots',
    unique_key='iata',
    strategy='check',
    check_cols='all',
    hard_deletes='invalidate'
) }}
select * from {{ ref('airports') }}
{% endsnapshot %}
