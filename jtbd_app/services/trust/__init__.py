"""Trust and safety: what administrators use to keep the platform honest (terms versions and who accepted them, the
audit log's reader, the admin overview). It sits at the top of the service packages: it may call every other one."""
