/**
 * Real PostgreSQL for tests: {@link dev.latchkey.testkit.db.TestPostgres} starts a throwaway server from
 * this machine's PostgreSQL programs (or uses one the environment names) and creates a fresh database
 * per test; {@link dev.latchkey.testkit.db.PostgresExtension} does it for JUnit 5 tests, one server per
 * test JVM. See docs/decisions.md, "PostgreSQL in tests".
 */
package dev.latchkey.testkit.db;
