package dev.weft.sim.channel;

/** Bytes of one OpenFlow frame that Loxi could not parse, kept to answer with an ERROR. */
record UnparsableMessage(byte[] bytes, String reason) {
    int version() {
        return bytes.length > 0 ? bytes[0] & 0xff : 0;
    }

    int type() {
        return bytes.length > 1 ? bytes[1] & 0xff : 0;
    }

    long xid() {
        if (bytes.length < 8) {
            return 0;
        }
        return ((bytes[4] & 0xffL) << 24) | ((bytes[5] & 0xffL) << 16) | ((bytes[6] & 0xffL) << 8) | (bytes[7] & 0xffL);
    }
}
