-- The distinct namespaces of the summary's pod and storage rows: JavaScript matches them against the
-- cost categories (docs/rules.md §4) once each (finalize_cost_categories).
SELECT namespace FROM {{schema}}.pods WHERE namespace IS NOT NULL
UNION
SELECT namespace FROM {{schema}}.storage WHERE namespace IS NOT NULL
