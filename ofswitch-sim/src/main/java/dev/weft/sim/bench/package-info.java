/**
 * {@code weft bench}: a Java equivalent of cbench (oflops), the benchmark the SDN community
 * measured controllers with.
 *
 * <p>N simulated switches connect to the controller, do the switch side of the handshake and
 * then send packet-ins, each from one of the switch's M source MACs to a destination the switch
 * announced beforehand. A controller's FLOW_MOD with command ADD or MODIFY_STRICT, and its
 * PACKET_OUT of anything but LLDP, count as responses, exactly as in cbench's {@code
 * fakeswitch.c}. In latency mode a switch has one packet-in outstanding and sends the next when
 * a response arrives; in throughput mode it keeps 64 KiB of packet-ins queued on top of whatever
 * the socket holds. Each test (cbench "loop") counts the responses that arrive while it runs;
 * warm-up and cool-down tests are left out of the statistics; the run ends with cbench's
 * {@code RESULT:} line.
 *
 * <p>Entry points: {@link dev.weft.sim.bench.BenchMain} for the command line, {@link
 * dev.weft.sim.bench.Bench#run(BenchConfig)} for code.
 */
package dev.weft.sim.bench;
