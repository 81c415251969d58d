# A sample warehouse in a private PostgreSQL (source ops/lib/pg.sh first): the catalogue's hr.employee_activity with
# rows, the roles its catalogue entry names (hr_analysts, training_pipeline) and one to ask access for (attrition_study).
# Idempotent: run again on the same data, it changes nothing.
#   warehouse_sample DATA_DIR [PIPELINE_PASSWORD]   creates the database "warehouse" and prints its connection string
warehouse_sample() {
  local data=$1 password=${2:-pipeline-sample} bin
  bin=$(pg_bin_dir) || return 1
  pg_createdb "$data" warehouse
  pg_as_owner "$bin/psql" -h "$data/socket" -p "$PG_PORT" -U postgres -d warehouse -v ON_ERROR_STOP=1 -qAt -c "
    create schema if not exists hr;
    create table if not exists hr.employee_activity (employee_id int, observed_at timestamptz, application text, minutes int);
    insert into hr.employee_activity
      select g % 200, now() - (g || ' minutes')::interval, (array['mail','chat','ide','browser'])[1 + g % 4], g % 90
      from generate_series(1, 5000) g where not exists (select 1 from hr.employee_activity);
    do \$\$ begin
      if not exists (select 1 from pg_roles where rolname = 'hr_analysts') then create role hr_analysts nologin; end if;
      if not exists (select 1 from pg_roles where rolname = 'attrition_study') then create role attrition_study nologin; end if;
      if not exists (select 1 from pg_roles where rolname = 'training_pipeline') then
        execute format('create role training_pipeline login password %L', '$password');
      end if;
    end \$\$;
    grant select on hr.employee_activity to hr_analysts, training_pipeline;" >/dev/null
  echo "$PG_CONNECTION;Database=warehouse"
}
