package dev.weft.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonPointer;
import dev.weft.api.packet.Ethernet;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;

import java.util.Optional;

/**
 * Where a value of the config file is (a JSON pointer into it → file, line, column) and the
 * parsing of the values that the tenant sections share, each failing with a sentence that says
 * what is wrong there. Shared by the validators of the tenant sections.
 */
final class ConfigPlaces {
    private final String source;
    private final String yaml;

    ConfigPlaces(String source, String yaml) {
        this.source = source;
        this.yaml = yaml;
    }

    ConfigException error(String pointer, String problem) {
        return error(pointer, problem, false);
    }

    /** A value that clashes with another one (a duplicate): the same message, marked as a conflict. */
    ConfigException clash(String pointer, String problem) {
        return error(pointer, problem, true);
    }

    private ConfigException error(String pointer, String problem, boolean conflict) {
        Optional<JsonLocation> loc = yaml == null ? Optional.empty() : YamlLocator.find(yaml, JsonPointer.compile(pointer));
        String where = pointer.substring(1).replace('/', '.').replaceAll("\\.(\\d+)", "[$1]");
        return new ConfigException(source, loc.map(JsonLocation::getLineNr).orElse(-1),
                loc.map(JsonLocation::getColumnNr).orElse(-1), where + ": " + problem, conflict);
    }

    String required(String value, String pointer, String what) {
        if (value == null || value.isBlank()) {
            throw error(pointer, what + " is required");
        }
        return value.trim();
    }

    String name(String value, String at, String what) {
        if (!value.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw error(at, "'" + value + "' is not a usable " + what + " name (letters, digits, '-', '_', '.')");
        }
        return value;
    }

    DatapathId dpid(String text, String at) {
        try {
            if (text.contains(":")) {
                return DatapathId.of(text);
            }
            return DatapathId.of(Long.parseUnsignedLong(text.startsWith("0x") ? text.substring(2) : text, 16));
        } catch (IllegalArgumentException e) {
            throw error(at, "'" + text + "' is not a datapath id (e.g. 00:00:00:00:00:00:00:a1 or 0xa1)");
        }
    }

    IPv4Address ip(String text, String at) {
        try {
            if (text == null || !text.trim().matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                throw new IllegalArgumentException();
            }
            return IPv4Address.of(text.trim());
        } catch (IllegalArgumentException e) {
            throw error(at, "'" + text + "' is not an IPv4 address");
        }
    }

    IPv4AddressWithMask subnet(String text, String at) {
        try {
            return IPv4AddressWithMask.of(text.trim());
        } catch (IllegalArgumentException e) {
            throw error(at, "'" + text + "' is not an IPv4 subnet such as 10.0.1.0/24");
        }
    }

    /** A unicast, non-zero MAC: what a port (or a router's port) may use as its address. */
    MacAddress mac(String text, String at) {
        MacAddress m;
        try {
            m = MacAddress.of(text.trim());
        } catch (IllegalArgumentException e) {
            throw error(at, "'" + text + "' is not a MAC address (e.g. 02:00:0a:00:01:0b)");
        }
        if (Ethernet.isGroup(m) || m.equals(MacAddress.NONE)) {
            throw error(at, m + " cannot be a port's address (it is " + (m.isBroadcast() ? "broadcast" : Ethernet.isGroup(m) ? "multicast" : "zero") + ")");
        }
        return m;
    }

    /**
     * The MAC Weft gives an address it owns (a router port, a DHCP server) when none is
     * configured: locally administered, {@code 0a:00} then the four bytes of the address, so it is
     * unique wherever the address is.
     */
    static MacAddress derivedMac(IPv4Address ip) {
        return MacAddress.of(0x0a0000000000L | (ip.getInt() & 0xffffffffL));
    }
}
