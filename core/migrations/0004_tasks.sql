-- 0004_tasks: what the operator's API (core/query.h) needs: candidate users of user tasks
-- (CONTRACTS §7) and suspended instances found quickly.
--
-- Numbered 4: 0003 is taken by the identity tables, developed at the same time. The runner
-- applies every migration above the database's version in order, so the gap is harmless.

-- Candidate users: a JSON array of logins or emails, like candidate_groups holds group names.
ALTER TABLE user_task ADD COLUMN candidate_users text;

-- Until now both lists went into candidate_groups as the runtime's one object
-- {"users":[...],"groups":[...]}: split the open tasks' (and the others') into the two columns.
UPDATE user_task
   SET candidate_users = (candidate_groups::json -> 'users')::text,
       candidate_groups = (candidate_groups::json -> 'groups')::text
 WHERE candidate_groups LIKE '{%';

-- Executors skip the jobs of suspended instances on every take: the set is read from this index,
-- which is empty while nothing is suspended.
CREATE INDEX instance_suspended ON instance (key) WHERE suspended;
