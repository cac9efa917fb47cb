package dev.weft.sim.packet;

/** Something a match can be evaluated against: a set of present fields with their values. */
public interface FieldSource {
    /** Whether the field exists for this packet (e.g. IPV4_SRC only for IPv4 frames). */
    boolean has(Field field);

    /** The field's value; only meaningful when {@link #has(Field)}. */
    long get(Field field);
}
