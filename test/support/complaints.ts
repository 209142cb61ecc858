import { queryRows } from './checks.js';

/**
 * Everything a project is in the database, for "nothing written" checks on a complaint's refused
 * step or filing: its row in its line's table (status, suspension and who holds it, every date —
 * `updated_at` moves on any write), its auction (a lease's status lives there), its history (the
 * audit entries on it) and the complaints against it. Only this project's rows, so the worker's
 * steps on other projects, or other tests' files running beside this one, change nothing here.
 */
export async function projectState(ownerDatabaseUrl: string, projectId: string): Promise<string[]> {
  const rows = await queryRows<{ source: string; row: string }>(
    ownerDatabaseUrl,
    `SELECT 'tender_projects' AS source, row_to_json(t)::text AS row FROM tender_projects t WHERE id = $1
     UNION ALL SELECT 'procurement_projects', row_to_json(t)::text FROM procurement_projects t WHERE id = $1
     UNION ALL SELECT 'transfer_projects', row_to_json(t)::text FROM transfer_projects t WHERE id = $1
     UNION ALL SELECT 'lease_listings', row_to_json(t)::text FROM lease_listings t WHERE id = $1
     UNION ALL SELECT 'auctions', row_to_json(t)::text FROM auctions t WHERE id = $1
     UNION ALL SELECT 'audit_log', row_to_json(t)::text FROM audit_log t WHERE entity_id = $1::text
     UNION ALL SELECT 'complaints', row_to_json(t)::text FROM complaints t WHERE project_id = $1
     UNION ALL SELECT 'complaint_audit', row_to_json(a)::text
       FROM audit_log a JOIN complaints c ON a.entity_type = 'complaint' AND a.entity_id = c.id::text
      WHERE c.project_id = $1`,
    [projectId],
  );
  const state = rows.map(({ source, row }) => `${source} ${row}`).sort();
  // A project that is not there would compare equal to itself: every check names a real one.
  if (!state.some((line) => !line.startsWith('audit_log') && !line.startsWith('complaint')))
    throw new Error(`no project ${projectId}`);
  return state;
}
