package dev.weft.core.topology;

import dev.weft.api.topology.SwitchPort;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * LLDP probes that only this controller run can have sent. A probe is an LLDP frame to the
 * nearest-bridge group address with
 * <ul>
 *   <li>chassis id (subtype 7, locally assigned): the 8-byte datapath id,</li>
 *   <li>port id (subtype 7): the 4-byte OpenFlow port number,</li>
 *   <li>TTL 120 s,</li>
 *   <li>an organisation-specific TLV (OUI {@code 0a:57:46}, "\nWF", an unregistered CID-style
 *       identifier; subtype 1) carrying this run's 8-byte controller id, the send time (ms) and
 *       an HMAC-SHA256 (first 16 bytes) of (dpid, port, controller id, time) keyed by a random
 *       per-run secret.</li>
 * </ul>
 * A received probe creates a link only if its HMAC checks out (so a host cannot forge one for a
 * port of its choice, and another controller's probes, or our own from an earlier run, do not
 * count) and it is recent (a replayed old probe does not count either). Pure and thread-safe.
 */
public final class LinkProbes {
    public static final int ETH_TYPE = 0x88cc;
    public static final MacAddress NEAREST_BRIDGE = MacAddress.of("01:80:c2:00:00:0e");
    static final byte[] OUI = {0x0a, 0x57, 0x46};
    static final int SUBTYPE = 1;
    static final int SIGNATURE_BYTES = 16;
    private static final int ORG_LENGTH = 3 + 1 + 8 + 8 + SIGNATURE_BYTES;
    public static final int FRAME_LENGTH = 14 + (2 + 9) + (2 + 5) + (2 + 2) + (2 + ORG_LENGTH) + 2;
    /** A probe from the future by more than this is rejected too (clock steps, forgeries). */
    private static final long MAX_FUTURE_MS = 60_000;

    /** Why a frame did not count as one of our probes. */
    public enum Rejection {
        /** Not a well-formed LLDP frame with chassis id, port id and our TLV. */
        MALFORMED,
        /** An LLDP frame without our TLV, or with another controller's id. */
        FOREIGN,
        /** Our TLV, but the signature does not match what it claims. */
        FORGED,
        /** Correctly signed, but older than the link timeout (or from the future). */
        STALE
    }

    /** The outcome of checking a received frame: the port it was sent from, or why not. */
    public record Check(SwitchPort origin, long sentMillis, Rejection rejection) {
        public boolean valid() {
            return rejection == null;
        }

        static Check rejected(Rejection r) {
            return new Check(null, 0, r);
        }
    }

    private final byte[] controllerId;
    private final SecretKeySpec key;
    private final ThreadLocal<Mac> hmac;

    /** Probes with a fresh random controller id and secret. */
    public LinkProbes() {
        this(random(8), random(32));
    }

    LinkProbes(byte[] controllerId, byte[] secret) {
        if (controllerId.length != 8) {
            throw new IllegalArgumentException("controller id must be 8 bytes");
        }
        this.controllerId = controllerId.clone();
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.hmac = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(key);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        });
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /** This run's controller id, as hex (for logs). */
    public String controllerId() {
        return HexFormat.of().formatHex(controllerId);
    }

    /** The probe to send out of {@code port} of {@code dpid}, from the port's own MAC address. */
    public byte[] encode(DatapathId dpid, OFPort port, MacAddress portMac, long nowMillis) {
        ByteBuffer b = ByteBuffer.allocate(FRAME_LENGTH);
        b.put(NEAREST_BRIDGE.getBytes()).put(portMac.getBytes()).putShort((short) ETH_TYPE);
        tlv(b, 1, 9).put((byte) 7).putLong(dpid.getLong());
        tlv(b, 2, 5).put((byte) 7).putInt(port.getPortNumber());
        tlv(b, 3, 2).putShort((short) 120);
        tlv(b, 127, ORG_LENGTH).put(OUI).put((byte) SUBTYPE).put(controllerId).putLong(nowMillis)
                .put(sign(dpid.getLong(), port.getPortNumber(), controllerId, nowMillis));
        tlv(b, 0, 0);
        return b.array();
    }

    private static ByteBuffer tlv(ByteBuffer b, int type, int length) {
        return b.putShort((short) ((type << 9) | length));
    }

    private byte[] sign(long dpid, int port, byte[] id, long millis) {
        Mac m = hmac.get();
        ByteBuffer in = ByteBuffer.allocate(8 + 4 + 8 + 8).putLong(dpid).putInt(port).put(id).putLong(millis);
        byte[] full = m.doFinal(in.array());
        byte[] out = new byte[SIGNATURE_BYTES];
        System.arraycopy(full, 0, out, 0, SIGNATURE_BYTES);
        return out;
    }

    /**
     * Check a received LLDP frame ({@code offset}: where the LLDPDU starts, after the Ethernet
     * header and any VLAN tags). {@code maxAge}: probes sent longer ago than this are stale.
     */
    public Check check(byte[] frame, int offset, long nowMillis, Duration maxAge) {
        long dpid = 0;
        int port = 0;
        boolean haveChassis = false;
        boolean havePort = false;
        int org = -1;
        int at = offset;
        while (true) {
            if (at + 2 > frame.length) {
                return Check.rejected(Rejection.MALFORMED);
            }
            int header = ((frame[at] & 0xff) << 8) | (frame[at + 1] & 0xff);
            int type = header >>> 9;
            int len = header & 0x1ff;
            int value = at + 2;
            if (value + len > frame.length) {
                return Check.rejected(Rejection.MALFORMED);
            }
            if (type == 0) {
                break;
            }
            if (type == 1 && len == 9 && frame[value] == 7) {
                dpid = ByteBuffer.wrap(frame, value + 1, 8).getLong();
                haveChassis = true;
            } else if (type == 2 && len == 5 && frame[value] == 7) {
                port = ByteBuffer.wrap(frame, value + 1, 4).getInt();
                havePort = true;
            } else if (type == 127 && len >= 4 && frame[value] == OUI[0] && frame[value + 1] == OUI[1]
                    && frame[value + 2] == OUI[2] && (frame[value + 3] & 0xff) == SUBTYPE) {
                if (len != ORG_LENGTH) {
                    return Check.rejected(Rejection.MALFORMED);
                }
                org = value + 4;
            }
            at = value + len;
        }
        if (org < 0) {
            return Check.rejected(Rejection.FOREIGN);
        }
        if (!haveChassis || !havePort) {
            return Check.rejected(Rejection.MALFORMED);
        }
        byte[] id = new byte[8];
        System.arraycopy(frame, org, id, 0, 8);
        if (!MessageDigest.isEqual(id, controllerId)) {
            return Check.rejected(Rejection.FOREIGN);
        }
        long sent = ByteBuffer.wrap(frame, org + 8, 8).getLong();
        byte[] sig = new byte[SIGNATURE_BYTES];
        System.arraycopy(frame, org + 16, sig, 0, SIGNATURE_BYTES);
        if (!MessageDigest.isEqual(sig, sign(dpid, port, id, sent))) {
            return Check.rejected(Rejection.FORGED);
        }
        if (nowMillis - sent > maxAge.toMillis() || sent - nowMillis > MAX_FUTURE_MS) {
            return Check.rejected(Rejection.STALE);
        }
        return new Check(new SwitchPort(DatapathId.of(dpid), OFPort.of(port)), sent, null);
    }
}
