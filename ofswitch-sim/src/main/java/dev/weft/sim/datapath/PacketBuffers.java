package dev.weft.sim.datapath;

import org.projectfloodlight.openflow.types.OFBufferId;

/**
 * Packets held for the controller after a truncated packet-in: a fixed number of slots reused
 * round-robin (the oldest is overwritten), each buffer id usable once, as in Open vSwitch.
 * An id is {@code generation << 16 | slot}, so a stale id is recognised as such.
 */
final class PacketBuffers {
    /** A buffered packet and the input port it arrived on. */
    record Buffered(Frame frame, int inPort) {
    }

    private final int capacity;
    private final int[] ids;
    private final Buffered[] packets;
    private int next;
    private int generation;

    PacketBuffers(int capacity) {
        this.capacity = capacity;
        this.ids = new int[capacity];
        this.packets = new Buffered[capacity];
    }

    boolean enabled() {
        return capacity > 0;
    }

    OFBufferId store(Frame frame, int inPort) {
        int slot = next;
        next = (next + 1) % capacity;
        if (slot == 0) {
            generation = generation % 0x7fff + 1;
        }
        int id = (generation << 16) | slot;
        ids[slot] = id;
        packets[slot] = new Buffered(frame, inPort);
        return OFBufferId.of(id);
    }

    /** Takes a buffered packet, or returns null when the id is unknown, stale or already used. */
    Buffered take(OFBufferId id) {
        int raw = id.getInt();
        int slot = raw & 0xffff;
        if (slot >= capacity || ids[slot] != raw || packets[slot] == null) {
            return null;
        }
        Buffered b = packets[slot];
        packets[slot] = null;
        return b;
    }

    /** True when the id was issued and has since been used (BUFFER_EMPTY rather than BUFFER_UNKNOWN). */
    boolean wasUsed(OFBufferId id) {
        int raw = id.getInt();
        int slot = raw & 0xffff;
        return slot < capacity && ids[slot] == raw && packets[slot] == null;
    }
}
