//! RDS DB instances, with the AZs of their subnet groups.

use super::reader::*;
use super::*;

/// What a DB instance's plan entry cannot tell: its parameter groups' durability settings,
/// its backup replication, and its source's AZ.
pub(super) fn not_in_plan(r: &mut Reader) {
    for f in [
        "innodb_flush_log_at_trx_commit",
        "sync_binlog",
        "synchronous_commit",
        "read_only",
        "log_output",
        "innodb_default_row_format",
    ] {
        r.mark(f, "parameter groups are not read from a plan".into());
    }
    r.mark(
        "automated_backup_replication_regions",
        "backup replication is not read from a plan".into(),
    );
    r.mark("source_availability_zone", "not read from a plan".into());
}

impl<'a, 'p> Builder<'a, 'p> {
    /// The AZs of a DB subnet group's subnets (empty without a group), or empty with the
    /// reason noted under `subnet_group_azs`.
    pub(super) fn db_subnet_group_azs(
        &self,
        r: &mut Reader,
        group: Option<&str>,
        instances: &[&Inst<'p>],
        subnet_az: &SubnetAz,
    ) -> Vec<String> {
        group
            .and_then(|g| {
                self.group_subnets(
                    r,
                    g,
                    "aws_db_subnet_group",
                    instances,
                    subnet_az,
                    "subnet_group_azs",
                )
            })
            .map(|s| s.into_iter().map(|(_, az)| az).collect())
            .unwrap_or_default()
    }

    pub(super) fn db_instance(
        &mut self,
        i: &Inst<'p>,
        subnet_az: &SubnetAz,
        instances: &[&Inst<'p>],
    ) {
        let region = self.region(i);
        let mut r = Reader::new(self.plan, i, self.view);
        let engine = r.string("engine", "engine").unwrap_or_default();
        let multi_az = r.bool("multi_az", "multi_az");
        let availability_zone = r.decided("availability_zone", "availability_zone").ok();
        let read_replica_source = r
            .link("replicate_source_db", "read_replica_source")
            .flatten();
        let backup_retention_period = r
            .int("backup_retention_period", "backup_retention_period")
            .unwrap_or(0);
        let deletion_protection = r.bool("deletion_protection", "deletion_protection");
        let publicly_accessible = r.bool("publicly_accessible", "publicly_accessible");
        let monitoring_interval = r.int("monitoring_interval", "monitoring_interval");
        let group = r.link("db_subnet_group_name", "subnet_group_azs").flatten();
        let subnet_group_azs =
            self.db_subnet_group_azs(&mut r, group.as_deref(), instances, subnet_az);
        not_in_plan(&mut r);
        self.snap.rds.db_instances.push(DbInstance {
            region: region.clone(),
            db_instance_identifier: i.address.clone(),
            arn: i.address.clone(),
            engine,
            engine_version: r.string("engine_version", "engine_version"),
            db_instance_class: r.string("instance_class", "db_instance_class"),
            status: None,
            multi_az,
            availability_zone,
            secondary_availability_zone: None,
            db_cluster_identifier: None,
            read_replica_source,
            read_replica_identifiers: Vec::new(),
            backup_retention_period,
            deletion_protection,
            publicly_accessible,
            allocated_storage: r.int("allocated_storage", "allocated_storage"),
            max_allocated_storage: r.int("max_allocated_storage", "max_allocated_storage"),
            monitoring_interval,
            db_subnet_group: group,
            parameter_group: None,
            automated_backup_replication_regions: None,
            subnet_group_azs,
            tags: tags(i.after),
            unreadable: Unreadable::new(),
        });
        let out = r.finish();
        self.entry(i, "rds.db_instance", &region, out);
    }
}
