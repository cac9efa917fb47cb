package dev.weft.ovsext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.api.App;
import dev.weft.api.AppContext;
import dev.weft.api.flow.FlowService;
import dev.weft.api.flow.FlowSpec;
import dev.weft.core.Controller;
import dev.weft.core.ControllerSettings;
import dev.weft.core.flow.Reconciler;
import dev.weft.ovs.Loopback;
import dev.weft.ovs.Processes;
import dev.weft.ovs.RequiresOvs;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U16;
import org.projectfloodlight.openflow.types.U32;
import org.projectfloodlight.openflow.types.U64;

/**
 * The extension actions and conntrack fields on a real Open vSwitch: the same entries installed
 * by Weft (through the FlowService, on one bridge) and by {@code ovs-ofctl add-flow} from their
 * text (on another) read back identically in {@code ovs-ofctl -O OpenFlow13 dump-flows}; and a
 * restarted Weft reads them back (flow-stats replies with Nicira actions) as entries equal to
 * those it declares: it adopts all of them and sends no flow-mod.
 */
@RequiresOvs
class NiciraActionsOnOvsTest {
  private static final OFFactory OF = OFFactories.getFactory(OFVersion.OF_13);
  private static final Duration T = Duration.ofSeconds(10);
  private final String suffix = String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
  private final String viaWeft = "wfxa" + suffix;
  private final String viaOfctl = "wfxb" + suffix;
  private final DatapathId dpid = DatapathId.of(0xfeed0000L + Integer.parseInt(suffix, 16));
  private Controller weft;

  /** Each entry as Weft declares it, and as a person writes it for ovs-ofctl. */
  private record Entry(FlowSpec spec, String text) {}

  private static List<OFInstruction> apply(OFAction... a) {
    return List.of(OF.instructions().applyActions(List.of(a)));
  }

  private static List<Entry> entries() {
    var x = OF.oxms();
    var ip = x.ethType(EthType.IPv4);
    var md = x.metadataMasked(OFMetadata.of(U64.of(0x0000000700001389L)),
        OFMetadata.of(U64.of(0xffffffff00ffffffL)));
    return List.of(
        new Entry(FlowSpec.of(TableId.of(1), 300, apply(NxCt.track(3, TableId.of(1))),
            x.inPort(OFPort.of(3)), ip, CtState.match("-trk")),
            "table=1,priority=300,ct_state=-trk,ip,in_port=3,actions=ct(table=1,zone=3)"),
        new Entry(FlowSpec.of(TableId.of(1), 200, List.of(OF.instructions().gotoTable(TableId.of(2))),
            x.inPort(OFPort.of(3)), ip, x.connTrackingZone(U16.of(3)), CtState.match("+trk+est-inv")),
            "table=1,priority=200,ct_state=+trk+est-inv,ct_zone=3,ip,in_port=3,actions=goto_table:2"),
        new Entry(FlowSpec.of(TableId.of(1), 100, List.of(
            OF.instructions().applyActions(List.of(NxCt.commit(3))), OF.instructions().gotoTable(TableId.of(2))),
            x.inPort(OFPort.of(3)), ip, x.ipProto(IpProtocol.TCP), x.tcpDst(TransportPort.of(80)),
            x.ipv4DstMasked(IPv4Address.of("10.0.1.0"), IPv4Address.of("255.255.255.0")),
            x.connTrackingZone(U16.of(3)), CtState.match("+trk+new")),
            "table=1,priority=100,ct_state=+new+trk,ct_zone=3,tcp,in_port=3,nw_dst=10.0.1.0/24,tp_dst=80,"
                + "actions=ct(commit,zone=3),goto_table:2"),
        new Entry(FlowSpec.of(TableId.of(5), 100, apply(NxCt.commit(4).withActions(
            OF.actions().setField(x.connTrackingMark(U32.of(1))))), md, ip),
            "table=5,priority=100,ip,metadata=0x700001389/0xffffffff00ffffff,"
                + "actions=ct(commit,zone=4,exec(set_field:0x1->ct_mark))"),
        new Entry(FlowSpec.of(TableId.of(4), 100, apply(
            OF.actions().setField(x.metadata(OFMetadata.of(U64.of(0x0000000700001389L)))),
            NxResubmit.table(TableId.of(5)),
            OF.actions().setField(x.metadata(OFMetadata.of(U64.of(0x0000000900001389L)))),
            NxResubmit.table(TableId.of(5)),
            OF.actions().setField(x.tunnelId(U64.of(5001))), OF.actions().output(OFPort.of(9), 0)),
            x.metadataMasked(OFMetadata.of(U64.of(0x1389)), OFMetadata.of(U64.of(0x1ffffff))),
            x.ethDstMasked(org.projectfloodlight.openflow.types.MacAddress.of("01:00:00:00:00:00"),
                org.projectfloodlight.openflow.types.MacAddress.of("01:00:00:00:00:00"))),
            "table=4,priority=100,metadata=0x1389/0x1ffffff,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,"
                + "actions=set_field:0x700001389->metadata,resubmit(,5),set_field:0x900001389->metadata,"
                + "resubmit(,5),set_field:0x1389->tun_id,output:9"),
        new Entry(FlowSpec.of(TableId.of(3), 50, apply(NxCt.commit(9).withTable(TableId.of(4)).withActions(
            NxNat.src(IPv4Address.of("10.0.0.1"), IPv4Address.of("10.0.0.9"))
                .ports(TransportPort.of(1000), TransportPort.of(2000)).withRandom())),
            ip, x.inPort(OFPort.of(1))),
            "table=3,priority=50,ip,in_port=1,"
                + "actions=ct(commit,table=4,zone=9,nat(src=10.0.0.1-10.0.0.9:1000-2000,random))"),
        new Entry(FlowSpec.of(TableId.of(3), 50, apply(NxCt.track(9, TableId.of(4)).withActions(NxNat.reverse())),
            ip, x.inPort(OFPort.of(2))),
            "table=3,priority=50,ip,in_port=2,actions=ct(table=4,zone=9,nat)"),
        new Entry(FlowSpec.of(TableId.of(3), 40, apply(NxCt.commit(9).withActions(
            NxNat.dst(IPv4Address.of("10.0.1.11"), TransportPort.of(80))), NxCtClear.INSTANCE,
            new NxResubmit(OFPort.of(7), TableId.of(5))),
            ip, x.inPort(OFPort.of(2)), x.ipv4Dst(IPv4Address.of("203.0.113.5"))),
            "table=3,priority=40,ip,in_port=2,nw_dst=203.0.113.5,"
                + "actions=ct(commit,zone=9,nat(dst=10.0.1.11:80)),ct_clear,resubmit(7,5)"));
  }

  /** Declares {@link #entries()} on one switch, scope 1. */
  private final class ExtFlows implements App {
    @Override
    public String name() {
      return "ext-flows";
    }

    @Override
    public void start(AppContext ctx) {
      ctx.service(FlowService.class).orElseThrow()
          .setDesired(dpid, 1, entries().stream().map(Entry::spec).toList());
    }
  }

  private static String vsctl(String... args) {
    String[] cmd = new String[args.length + 2];
    cmd[0] = "ovs-vsctl";
    cmd[1] = "--timeout=10";
    System.arraycopy(args, 0, cmd, 2, args.length);
    Processes.Result r = Processes.run(T, cmd);
    assertTrue(r.ok(), String.join(" ", cmd) + ": " + r.output());
    return r.output();
  }

  /** The bridge's entries as ovs-ofctl prints them, cookies and statistics left out, sorted. */
  private static TreeSet<String> dump(String bridge) {
    Processes.Result r = Processes.run(T, "ovs-ofctl", "-O", "OpenFlow13", "--no-names", "--no-stats",
        "dump-flows", bridge);
    assertTrue(r.ok(), r.output());
    TreeSet<String> lines = new TreeSet<>();
    for (String l : r.output().split("\n")) {
      String s = l.strip().replaceFirst("^cookie=0x[0-9a-f]+, ", "");
      if (!s.isEmpty() && !s.startsWith("priority=0 actions=CONTROLLER")) { // Weft's table-miss entry
        lines.add(s);
      }
    }
    return lines;
  }

  private Controller startWeft(int port) {
    return Controller.builder(ControllerSettings.builder()
        .listen(List.of(new InetSocketAddress("127.0.0.1", port))).apps(List.of("ext-flows"))
        .appConfig(Map.of()).dispatchThreads(1).startupHold(Duration.ZERO).build())
        .apps(List.of(new ExtFlows())).start();
  }

  private Reconciler.Stats stats() throws InterruptedException {
    long deadline = System.nanoTime() + T.toNanos();
    while (System.nanoTime() < deadline) {
      Reconciler.Stats s = weft.reconciler().stats().get(dpid);
      if (s != null && s.installed() == entries().size() && s.desired() == entries().size()) {
        weft.reconciler().quiesce().orTimeout(10, TimeUnit.SECONDS).join();
        return weft.reconciler().stats().get(dpid);
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
    throw new AssertionError("the switch was not programmed in " + T + ": " + weft.reconciler().stats());
  }

  @BeforeEach
  void bridges() {
    vsctl("add-br", viaWeft, "--", "set", "bridge", viaWeft, "datapath_type=netdev", "protocols=OpenFlow13",
        "fail-mode=secure", "other-config:datapath-id=" + String.format("%016x", dpid.getLong()));
    vsctl("add-br", viaOfctl, "--", "set", "bridge", viaOfctl, "datapath_type=netdev", "protocols=OpenFlow13",
        "fail-mode=secure");
  }

  @AfterEach
  void cleanUp() {
    if (weft != null) {
      weft.close();
    }
    Processes.run(T, "ovs-vsctl", "--timeout=10", "--if-exists", "del-br", viaWeft);
    Processes.run(T, "ovs-vsctl", "--timeout=10", "--if-exists", "del-br", viaOfctl);
  }

  @Test
  void ovsReadsBackWhatOvsOfctlWouldHaveWrittenAndARestartAdoptsIt() throws Exception {
    for (Entry e : entries()) {
      Processes.Result r = Processes.run(T, "ovs-ofctl", "-O", "OpenFlow13", "add-flow", viaOfctl, e.text());
      assertTrue(r.ok(), e.text() + ": " + r.output());
    }
    int port = Loopback.freePort();
    vsctl("set-controller", viaWeft, "tcp:127.0.0.1:" + port);
    weft = startWeft(port);
    Reconciler.Stats first = stats();
    assertEquals(entries().size(), first.flowModsSent(), "one ADD per entry");
    assertEquals(0, first.errors(), "Open vSwitch accepted every entry");
    TreeSet<String> fromOfctl = dump(viaOfctl);
    assertEquals(entries().size(), fromOfctl.size(), fromOfctl.toString());
    assertEquals(String.join("\n", fromOfctl), String.join("\n", dump(viaWeft)));

    // A new controller reads the entries back (flow-stats with Nicira actions) and adopts them all.
    weft.close();
    weft = startWeft(port);
    Reconciler.Stats again = stats();
    assertEquals(entries().size(), again.adopted(), "every entry read back equal to its declaration");
    assertEquals(0, again.flowModsSent(), "nothing re-installed");
    var view = weft.reconciler().flowTable(dpid).get(10, TimeUnit.SECONDS).orElseThrow();
    assertTrue(view.entries().stream().allMatch(e -> e.desired().isPresent() && e.installed().isPresent()
        && e.desired().get().instructions().equals(e.installed().get().instructions())), view.toString());
  }
}
