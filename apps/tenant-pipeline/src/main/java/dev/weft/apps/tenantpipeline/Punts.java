package dev.weft.apps.tenantpipeline;

import dev.weft.api.AppCookie;
import dev.weft.api.Switch;
import dev.weft.api.event.PacketIn;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFPort;

import java.util.List;

/**
 * Packets the tenant pipeline sends to the controller, and the controller's answers: a packet-in
 * belongs to the app whose entry sent it (the cookie says so), carries the packet's network in its
 * metadata, and is answered on the same hypervisor, out of the port it came in by.
 */
public final class Punts {
    private Punts() {
    }

    /** Whether an entry of the app with this id sent the packet (OpenFlow 1.3+: packet-ins carry the cookie). */
    public static boolean sentBy(PacketIn e, int appId) {
        return e.sw().version().compareTo(OFVersion.OF_13) >= 0 && AppCookie.ownedBy(e.message().getCookie(), appId);
    }

    /** The segment id in the packet-in's metadata (0 when there is none). */
    public static int segment(PacketIn e) {
        OFMetadata m = e.message().getMatch().get(MatchField.METADATA);
        return m == null ? 0 : TenantPipeline.segmentOf(m.getValue());
    }

    /** Send {@code frame} out of {@code port} of {@code sw}, as a packet from the controller. */
    public static void send(Switch sw, OFPort port, byte[] frame) {
        sw.send(sw.factory().buildPacketOut()
                .setInPort(OFPort.CONTROLLER)
                .setActions(List.of(sw.factory().actions().output(port, 0)))
                .setData(frame)
                .build());
    }
}
