package dev.kinbox.journal;

/** A payload bound to {@link TestPayloadSerializer}, to check serializer ids and manifests survive. */
record TestPayload(String text, int number) {}
