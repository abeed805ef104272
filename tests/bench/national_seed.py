"""The national seed of the scale report (tests/bench/bench_scale.py): ten years of Checkpoint and DIVERT work, in
proportion at any size, loaded with INSERT ... SELECT. One navigator per thousand contracts (so that each navigator's
open caseload is about the same at every size, as it is in life), people, referrals (2% awaiting a navigator),
contracts of every status (about 36 in progress per navigator), two or three conditions each, three notes and two
appointments per contract (some today), alerts, and two DIVERT referrals per contract with their events (for the
same people: most people known to one scheme are known to the other). Parameters: :count (contracts), :navigators.
The first navigator, the manager, the provider and the custody officer are users 1, :navigators + 1, + 2, + 3;
the other custody officers (one per 250 contracts, each making a share of the referrals) :navigators + 101 on.
"""
from __future__ import annotations

TODAY = "date '2026-06-30'"
CONTRACTS_PER_NAVIGATOR = 1000

SEED = f"""
INSERT INTO users (id, email, name, role, password_hash, active, password_changed_at, created_at, updated_at,
    version, must_change_password)
SELECT n, 'navigator' || n || '@bench.example', 'Navigator ' || lpad(n::text, 6, '0'), 'navigator', 'x', true,
       now(), now(), now(), 1, false
FROM generate_series(1, :navigators) AS n;

INSERT INTO users (id, email, name, role, password_hash, active, password_changed_at, created_at, updated_at,
    version, must_change_password)
VALUES (:navigators + 1, 'manager@bench.example', 'Manager', 'manager', 'x', true, now(), now(), now(), 1, false),
       (:navigators + 2, 'provider@bench.example', 'Provider', 'provider', 'x', true, now(), now(), now(), 1, false),
       (:navigators + 3, 'custody@bench.example', 'Custody', 'custody_officer', 'x', true, now(), now(), now(), 1,
        false);

-- More custody officers: each made a small share of the referrals, as nationally (one per 250 contracts; the first
-- one above keeps a share).
INSERT INTO users (id, email, name, role, password_hash, active, password_changed_at, created_at, updated_at,
    version, must_change_password)
SELECT :navigators + 100 + k, 'custody' || k || '@bench.example', 'Custody ' || lpad(k::text, 5, '0'),
       'custody_officer', 'x', true, now(), now(), now(), 1, false
FROM generate_series(1, greatest(1, :count / 250) - 1) AS k;

SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));

INSERT INTO people (id, given_name, family_name, name_key, date_of_birth, gender, ethnicity, created_at,
    updated_at, version)
SELECT n, 'Given' || n, 'Family' || (n % 5000),
       'given' || n || ' family' || (n % 5000),
       date '1960-01-01' + ((n::bigint * 7919) % 16000)::int,
       (ARRAY['female', 'male', 'male', 'not_stated'])[1 + n % 4],
       (ARRAY['white_british', 'white_other', 'asian_pakistani', 'black_african'])[1 + n % 4],
       now(), now(), 1
FROM generate_series(1, :count + :count / 50) AS n;

-- Referrals: one per contract, and 2% more awaiting a navigator (the queue).
INSERT INTO checkpoint_referrals (id, reference, person_id, person_as_recorded, identity_match, status,
    referral_date, offence_category, offence_description, offence_date, hate_crime, interview, evidential_test_met,
    court_order, on_bail, co_accused, detained_mental_health, has_victim, victim_wishes_restorative,
    previous_convictions, eligible, offence_age_limit_months, reasons, possible_duplicates, created_by_id,
    created_at, updated_at, version)
SELECT n, 'CP-B-' || n, n, '{{}}', 'new', CASE WHEN n > :count THEN 'awaiting_navigator' ELSE 'contracted' END,
       referral_date, (ARRAY['theft', 'criminal_damage', 'common_assault', 'public_order'])[1 + n % 4],
       'Benchmark offence', referral_date - 3, false, 'admitted', true, false, false, false, false, true, false,
       0, true, 3, '[]', '[]',
       CASE WHEN n % greatest(1, :count / 250) = 0 THEN :navigators + 3 ELSE :navigators + 100 + n % greatest(1, :count / 250) END, now(), now(), 1
FROM (SELECT n, CASE WHEN n > :count THEN {TODAY} - (n % 20)
                     ELSE date '2016-07-01' + ((n::bigint * 3650) / :count)::int - 3 END AS referral_date
      FROM generate_series(1, :count + :count / 50) AS n) AS d;

-- Contracts: ten years of them, about 36 in progress per navigator at any size.
INSERT INTO contracts (id, referral_id, person_id, navigator_id, status, start_date, deadline, participant_consent,
    warning_given, outcome_date, outcome_reason, prosecution_referred, outcome_recorded_at, outcome_recorded_by_id,
    created_at, updated_at, version)
SELECT n, n, n, 1 + (n - 1) % :navigators,
       CASE WHEN start_date + 130 > {TODAY} THEN 'active'
            WHEN n % 20 = 0 THEN 'breached' ELSE 'completed' END,
       start_date, start_date + 122, true, true,
       CASE WHEN start_date + 130 > {TODAY} THEN NULL WHEN n % 20 = 0 THEN start_date + 40 ELSE start_date + 125 END,
       CASE WHEN start_date + 130 > {TODAY} THEN NULL WHEN n % 20 = 0 THEN 'condition_failed' END,
       n % 20 = 0,
       CASE WHEN start_date + 130 > {TODAY} THEN NULL
            ELSE ((CASE WHEN n % 20 = 0 THEN start_date + 40 ELSE start_date + 125 END)::timestamp
                  + interval '16 hours') AT TIME ZONE 'UTC' END,
       CASE WHEN start_date + 130 > {TODAY} THEN NULL ELSE 1 + (n - 1) % :navigators END,
       now(), now(), 1
FROM (SELECT n, date '2016-07-01' + ((n::bigint * 3650) / :count)::int AS start_date
      FROM generate_series(1, :count) AS n) AS s;

INSERT INTO contract_conditions (contract_id, position, type, description, pathway, community_kind, target_hours,
    hours_done, status, version)
SELECT c.id, p.position,
       (ARRAY['offending', 'pathway', 'community'])[p.position],
       (ARRAY['Do not commit any further offence during the contract.', 'Attend the alcohol service',
              'Unpaid work'])[p.position],
       CASE WHEN p.position = 2 THEN 'alcohol' END,
       CASE WHEN p.position = 3 THEN 'unpaid_work' END,
       CASE WHEN p.position = 3 THEN 24 END,
       CASE WHEN p.position = 3 THEN (c.id % 25) ELSE 0 END,
       CASE WHEN c.status = 'active' THEN 'open' WHEN c.status = 'completed' THEN 'met' ELSE 'failed' END, 1
FROM contracts c CROSS JOIN generate_series(1, 3) AS p(position)
WHERE p.position < 3 OR c.id % 2 = 0;

INSERT INTO contract_notes (contract_id, kind, body, author_id, occurred_at, created_at)
SELECT c.id, (ARRAY['meeting', 'phone', 'general'])[k], 'Benchmark note ' || k, c.navigator_id,
       (c.start_date + k * 9)::timestamp AT TIME ZONE 'UTC', (c.start_date + k * 9)::timestamp AT TIME ZONE 'UTC'
FROM contracts c CROSS JOIN generate_series(1, 3) AS k;

-- Two appointments per contract; for contracts in progress one is today or in the coming days.
INSERT INTO appointments (contract_id, starts_at, kind, location, status, booked_by_id, created_at, updated_at,
    version)
SELECT c.id,
       CASE WHEN k = 2 AND c.status = 'active' THEN TIMESTAMP '2026-06-30 09:00' + ((c.id % 7) || ' days')::interval
                                                    + ((c.id % 8) || ' hours')::interval
            ELSE (c.start_date + 20 * k)::timestamp + interval '10 hours' END AT TIME ZONE 'UTC',
       (ARRAY['navigator_meeting', 'pathway_session'])[k], 'Benchmark office',
       CASE WHEN k = 2 AND c.status = 'active' THEN 'booked' WHEN c.id % 11 = 0 THEN 'missed' ELSE 'attended' END,
       c.navigator_id, now(), now(), 1
FROM contracts c CROSS JOIN generate_series(1, 2) AS k;

INSERT INTO contract_alerts (contract_id, kind, scheme, date, summary, created_at)
SELECT c.id, 'new_referral', 'divert', {TODAY} - 2, '{{}}', now()
FROM contracts c WHERE c.status = 'active' AND c.id % 13 = 0;

-- DIVERT: two referrals per contract, ten years of them, every status; booked ones have an appointment.
INSERT INTO divert_referrals (id, reference, person_id, person_as_recorded, identity_match, status, referral_date,
    source, substance, suspected_supply, referring_officer, referral_number, ever_assessed, possible_duplicates,
    created_by_id, created_at, updated_at, version, next_appointment_at, status_since)
SELECT n, 'DV-B-' || n, 1 + n % (:count + :count / 50), '{{}}', 'new', status, referral_date,
       (ARRAY['street', 'custody'])[1 + n % 2],
       (ARRAY['cannabis', 'cannabis', 'cannabis', 'cocaine', 'ketamine'])[1 + n % 5], false, 'PC Bench', 1,
       status IN ('assessed', 'completed'), '[]',
       CASE WHEN n % greatest(1, :count / 250) = 0 THEN :navigators + 3 ELSE :navigators + 100 + n % greatest(1, :count / 250) END, now(), now(), 1,
       CASE WHEN status = 'assessment_booked'
            THEN (referral_date + 14)::timestamp AT TIME ZONE 'UTC' + interval '10 hours' END,
       CASE WHEN status = 'referred' THEN referral_date ELSE referral_date + 3 END
FROM (SELECT n, referral_date,
             CASE WHEN referral_date > {TODAY} - 30 THEN
                       (ARRAY['referred', 'contacted', 'assessment_booked', 'assessment_booked'])[1 + n % 4]
                  ELSE (ARRAY['completed', 'completed', 'completed', 'disengaged', 'declined'])[1 + n % 5] END
                  AS status
      FROM (SELECT n, date '2016-07-01' + ((n::bigint * 3650) / (2 * :count))::int AS referral_date
            FROM generate_series(1, 2 * :count) AS n) AS d) AS s;

INSERT INTO divert_events (referral_id, event, date, recorded_by_id, created_at, appointment_at)
SELECT r.id, 'contacted', r.referral_date + 3, :navigators + 2, now(), NULL
FROM divert_referrals r WHERE r.status <> 'referred';

INSERT INTO divert_events (referral_id, event, date, recorded_by_id, created_at, appointment_at)
SELECT r.id, 'assessment_booked', r.referral_date + 4, :navigators + 2, now(), r.next_appointment_at
FROM divert_referrals r WHERE r.status = 'assessment_booked';

SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));
SELECT setval(pg_get_serial_sequence('people', 'id'), (SELECT max(id) FROM people));
SELECT setval(pg_get_serial_sequence('checkpoint_referrals', 'id'), (SELECT max(id) FROM checkpoint_referrals));
SELECT setval(pg_get_serial_sequence('contracts', 'id'), (SELECT max(id) FROM contracts));
SELECT setval(pg_get_serial_sequence('divert_referrals', 'id'), (SELECT max(id) FROM divert_referrals))
"""
