package tcpip.segmentation.loss;

import java.util.List;
import java.util.Optional;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.PacketCapture.Packet;
import tcpip.kernel.Segment;
import tcpip.kernel.TimerTicks;
import tcpip.narration.Narrator;
import tcpip.segmentation.Msg;

/**
 * final-ack-drop: the client closes first and its last ACK (the answer to the server's FIN) is lost. The
 * server resends its FIN from LAST_ACK after its RTO (read from ss before the close); the client answers
 * from TIME_WAIT: both read from ss and the capture.
 */
final class FinalAckDrop {

    private FinalAckDrop() {
    }

    /** The passive closer's FINs, the active closer's ACKs after the first FIN, ss's rows, and the checks. */
    record CloseResult(List<Double> serverFins, List<Double> clientAcks, List<String> rows, boolean resentOnTime,
            boolean answeredFromTimeWait) {
    }

    static CloseResult run(Lab lab, Narrator n) throws Exception {
        int port = lab.listen();
        try (PacketCapture cap = lab.capture(port)) {
            Lab.Conn c = lab.connect(port);
            lab.expect("send 100", "received");
            Optional<LinuxTimers> server = lab.ss(port, c.clientPort()).map(ss -> LinuxTimers.of(ss,
                    DropMiddle.rtoMinMicros(lab), TimerTicks.ofThisKernel()));
            String rule = "tcp sport " + c.clientPort() + " tcp dport " + port
                    + " tcp flags == ack ip length <= 64 numgen inc mod 1000000 == 0 counter drop";
            n.program(Msg.get("LossLab.close.rule", rule));
            List<String> rows;
            try {
                lab.ns().dropRule(rule);
                n.program(Msg.get("LossLab.close.program"));
                lab.expect("close", "closed");
                cap.await(ps -> LabSupport.count(ps, p -> p.segment().srcPort() == port && p.segment().fin()) >= 1,
                        LabSupport.SETTLE);
                rows = lab.ssRows(port);
                rows.forEach(row -> n.kernel("ss -tano: " + row));
                cap.await(ps -> LabSupport.count(ps, p -> p.segment().srcPort() == port && p.segment().fin()) >= 2
                        && lastAckAfterSecondFin(ps, port, c.clientPort()), LabSupport.SETTLE);
                n.kernel(Msg.get("LossLab.nftCounter", lab.ns().listRule()));
            } finally {
                lab.ns().clearRules();
            }
            List<Packet> ps = cap.stopPackets();
            double firstFinAt = ps.stream().filter(q -> q.segment().fin()).mapToDouble(q -> q.segment().time()).min()
                    .orElse(Double.MAX_VALUE);
            List<Packet> closing = ps.stream().filter(p -> p.segment().fin() || p.segment().length() == 0
                    && p.segment().time() >= firstFinAt).toList();
            double t0 = closing.isEmpty() ? 0 : closing.get(0).segment().time();
            closing.forEach(p -> n.line(Narrator.label("packet"), p.describe(t0)));
            n.ladder(closing.stream().map(Packet::segment).toList(), c.client());
            List<Double> fins = ps.stream().map(Packet::segment).filter(s -> s.srcPort() == port && s.fin())
                    .map(Segment::time).toList();
            double firstFin = fins.isEmpty() ? Double.MAX_VALUE : fins.get(0);
            List<Double> acks = ps.stream().map(Packet::segment).filter(s -> s.srcPort() == c.clientPort()
                    && s.flags().equals(".") && s.length() == 0 && s.time() >= firstFin).map(Segment::time).toList();
            boolean rst = ps.stream().anyMatch(p -> p.segment().rst());
            boolean timeWait = rows.stream().anyMatch(r -> r.startsWith("TIME-WAIT") && r.contains(":" + c.clientPort()));
            boolean lastAck = rows.stream().anyMatch(r -> r.startsWith("LAST-ACK"));
            boolean onTime = fins.size() >= 2 && server.isPresent() && server.get().ticks().firedOnTime(server.get().rto(),
                    LabSupport.micros(fins.get(1) - fins.get(0)));
            if (fins.size() >= 2) {
                n.result(Msg.get(onTime ? "LossLab.close.resent.matches" : "LossLab.close.resent.notMatch",
                        Narrator.human(LabSupport.micros(fins.get(1) - fins.get(0))),
                        server.map(t -> LinuxTimers.ms(t.rto())).orElse("?")));
            } else {
                n.result(Msg.get("LossLab.close.notMatch", fins.size()));
            }
            boolean answered = timeWait && lastAck && acks.size() >= 2 && !rst;
            n.result(Msg.get(answered ? "LossLab.close.timeWait.matches" : "LossLab.close.timeWait.notMatch",
                    acks.size(), timeWait ? "TIME-WAIT" : "-", rst ? "RST" : "no RST"));
            n.line(Msg.get("label.model"), Msg.get("LossLab.close.model"));
            return new CloseResult(fins, acks, rows, onTime, answered);
        }
    }

    private static boolean lastAckAfterSecondFin(List<Packet> ps, int port, int clientPort) {
        double second = ps.stream().filter(p -> p.segment().srcPort() == port && p.segment().fin())
                .mapToDouble(p -> p.segment().time()).skip(1).findFirst().orElse(Double.MAX_VALUE);
        return ps.stream().anyMatch(p -> p.segment().srcPort() == clientPort && p.segment().time() >= second);
    }
}
