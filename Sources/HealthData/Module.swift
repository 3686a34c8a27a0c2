// HealthData module (see Documentation.docc/HealthData.md).
