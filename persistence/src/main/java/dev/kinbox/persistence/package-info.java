/**
 * Kinbox's account state as data: {@link dev.kinbox.persistence.AccountState} (a join-semilattice
 * of δ-CRDTs), its events ({@link dev.kinbox.persistence.AccountEvent} and its sealed families),
 * and {@link dev.kinbox.persistence.KinboxCodec} (canonical CBOR, migrations, digests). The CRDT
 * building blocks live in {@code crdt}, the local event store in {@code store}. Everything here is
 * pure and immutable except {@link dev.kinbox.persistence.crdt.HybridClock} and the stores.
 */
package dev.kinbox.persistence;
