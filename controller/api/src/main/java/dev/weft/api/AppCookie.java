package dev.weft.api;

import org.projectfloodlight.openflow.types.U64;

/**
 * A flow cookie that says who owns a flow entry: the app in the top 12 bits, a logical network
 * (24-bit segment id, 0 for none) in the next 24, and 28 bits the app may use as it likes.
 * With {@link #APP_MASK} or {@link #NETWORK_MASK} an app can read, modify or delete exactly its
 * own entries (OpenFlow 1.3 cookie masks), never another app's.
 */
public record AppCookie(int appId, int network, int user) {
    public static final int MAX_APP_ID = (1 << 12) - 1;
    public static final int MAX_NETWORK = (1 << 24) - 1;
    public static final int MAX_USER = (1 << 28) - 1;
    public static final U64 APP_MASK = U64.of(0xFFF0_0000_0000_0000L);
    public static final U64 NETWORK_MASK = U64.of(0xFFFF_FFFF_F000_0000L);

    public AppCookie {
        if (appId < 1 || appId > MAX_APP_ID) {
            throw new IllegalArgumentException("app id must be 1.." + MAX_APP_ID + ", was " + appId);
        }
        if (network < 0 || network > MAX_NETWORK) {
            throw new IllegalArgumentException("network must be 0.." + MAX_NETWORK + ", was " + network);
        }
        if (user < 0 || user > MAX_USER) {
            throw new IllegalArgumentException("user bits must be 0.." + MAX_USER + ", was " + user);
        }
    }

    public static AppCookie of(U64 cookie) {
        long v = cookie.getValue();
        return new AppCookie((int) (v >>> 52), (int) ((v >>> 28) & MAX_NETWORK), (int) (v & MAX_USER));
    }

    /** Whether {@code cookie} belongs to the app with this id. */
    public static boolean ownedBy(U64 cookie, int appId) {
        return (cookie.getValue() >>> 52) == appId;
    }

    public AppCookie withNetwork(int network) {
        return new AppCookie(appId, network, user);
    }

    public AppCookie withUser(int user) {
        return new AppCookie(appId, network, user);
    }

    public U64 toU64() {
        return U64.of(((long) appId << 52) | ((long) network << 28) | user);
    }

    @Override
    public String toString() {
        return String.format("cookie(app=%d, network=%d, user=%d)", appId, network, user);
    }
}
