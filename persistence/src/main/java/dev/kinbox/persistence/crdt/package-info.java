/**
 * δ-CRDT building blocks as immutable values on persistent (structure-sharing) collections:
 * dots, causal contexts, hybrid logical clocks, LWW and max registers, OR-sets, OR-maps,
 * grow-only maps and the device-status lattice. Tested without actors.
 */
package dev.kinbox.persistence.crdt;
