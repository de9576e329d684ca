-- Conversion per day = sessions with at least one purchase event / sessions.
-- A session belongs to the day of its first event; events after --as-of are ignored.
WITH sessions AS (
  SELECT
    session_id,
    CAST(MIN(event_timestamp) AS DATE) AS session_date,
    MAX(CASE WHEN event_type = 'purchase' THEN 1 ELSE 0 END) AS converted
  FROM conformed.web_events
  WHERE CAST(event_timestamp AS DATE) <= CAST({{ as_of }} AS DATE)
  GROUP BY session_id
)
SELECT
  session_date,
  COUNT(*) AS sessions,
  SUM(converted) AS purchase_sessions,
  SUM(converted) * 1.0 / COUNT(*) AS conversion_rate
FROM sessions
GROUP BY session_date
