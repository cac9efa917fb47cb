package dev.weft.core.openflow;

import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFHelloElem;
import org.projectfloodlight.openflow.protocol.OFHelloElemVersionbitmap;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.U32;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * OpenFlow version negotiation (OpenFlow 1.3.1+ section 6.3.1): with version bitmaps on both
 * sides, the highest version in both; otherwise the lower of the two header versions, if we
 * support it.
 */
final class VersionNegotiation {
    private final Set<OFVersion> supported;
    private final OFVersion highest;

    VersionNegotiation(Set<OFVersion> supported) {
        if (supported.isEmpty()) {
            throw new IllegalArgumentException("no OpenFlow versions enabled");
        }
        this.supported = EnumSet.copyOf(supported);
        this.highest = this.supported.stream().max(Enum::compareTo).orElseThrow();
    }

    Set<OFVersion> supported() {
        return supported;
    }

    /** The version our HELLO carries in its header. */
    OFVersion highest() {
        return highest;
    }

    /** The bitmap element words for our HELLO (bit n of word n/32 = wire version n). */
    List<U32> bitmap() {
        long word = 0;
        for (OFVersion v : supported) {
            word |= 1L << v.getWireVersion();
        }
        return List.of(U32.of(word));
    }

    /** The version to use with a peer that sent {@code hello} with header version {@code peerWire}. */
    Optional<OFVersion> negotiate(OFHello hello, int peerWire) {
        Optional<Set<Integer>> peerBitmap = bitmapOf(hello);
        if (peerBitmap.isPresent()) {
            return supported.stream()
                    .filter(v -> peerBitmap.get().contains(v.getWireVersion()))
                    .max(Enum::compareTo);
        }
        int common = Math.min(peerWire, highest.getWireVersion());
        return supported.stream().filter(v -> v.getWireVersion() == common).findFirst();
    }

    /** The versions a peer offers, for error messages: its bitmap, or its header version. */
    static String describeOffer(OFHello hello, int peerWire) {
        Set<Integer> offered = bitmapOf(hello).orElse(Set.of(peerWire));
        return offered.stream().sorted().map(VersionNegotiation::wireName).collect(Collectors.joining(", "));
    }

    String describeSupported() {
        return supported.stream().map(v -> wireName(v.getWireVersion())).collect(Collectors.joining(", "));
    }

    static String wireName(int wire) {
        return switch (wire) {
            case 1 -> "1.0";
            case 2 -> "1.1";
            case 3 -> "1.2";
            case 4 -> "1.3";
            case 5 -> "1.4";
            case 6 -> "1.5";
            default -> "wire version " + wire;
        };
    }

    private static Optional<Set<Integer>> bitmapOf(OFHello hello) {
        if (hello.getVersion() == OFVersion.OF_10) {
            return Optional.empty();
        }
        List<OFHelloElem> elements;
        try {
            elements = hello.getElements();
        } catch (UnsupportedOperationException e) {
            return Optional.empty();
        }
        Set<Integer> versions = null;
        for (OFHelloElem e : elements) {
            if (e instanceof OFHelloElemVersionbitmap bm) {
                versions = versions == null ? new java.util.HashSet<>() : versions;
                List<U32> words = bm.getBitmaps();
                for (int w = 0; w < words.size(); w++) {
                    long bits = words.get(w).getValue();
                    for (int b = 0; b < 32; b++) {
                        if ((bits & (1L << b)) != 0) {
                            versions.add(w * 32 + b);
                        }
                    }
                }
            }
        }
        return Optional.ofNullable(versions == null ? null : Set.copyOf(new ArrayList<>(versions)));
    }
}
