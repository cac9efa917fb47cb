package dev.weft.apps.mobility.api;

/**
 * A logical port's traffic counters as its vNIC sees them, summed over every location it has had
 * (a distributed switch's port counters: they continue across migrations).
 *
 * @param txPackets frames the VM sent that entered its network
 * @param txBytes   their bytes
 * @param txDropped frames the VM sent that were dropped at the hypervisor (not its own MAC/IP:
 *                  port security)
 * @param rxPackets unicast frames delivered to the VM (broadcast and multicast copies are not
 *                  counted per port)
 * @param rxBytes   their bytes
 */
public record PortCounters(long txPackets, long txBytes, long txDropped, long rxPackets, long rxBytes) {
    public static final PortCounters ZERO = new PortCounters(0, 0, 0, 0, 0);

    public PortCounters plus(PortCounters o) {
        return new PortCounters(txPackets + o.txPackets, txBytes + o.txBytes, txDropped + o.txDropped,
                rxPackets + o.rxPackets, rxBytes + o.rxBytes);
    }

    @Override
    public String toString() {
        return String.format("tx %d pkts/%d bytes (%d dropped), rx %d pkts/%d bytes", txPackets, txBytes, txDropped,
                rxPackets, rxBytes);
    }
}
