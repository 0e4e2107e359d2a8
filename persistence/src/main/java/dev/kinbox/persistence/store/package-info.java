/**
 * The device-local event store: {@link dev.kinbox.persistence.store.LocalLog} with a LevelDB
 * implementation (native, pure-Java fallback) and an in-memory one sharing one contract test.
 */
package dev.kinbox.persistence.store;
