fn main() { ha_audit::hello() }
