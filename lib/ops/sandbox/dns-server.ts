/**
 * The sandbox's DNS server on 127.0.0.1 (UDP and TCP, one port), authoritative for the app's zone
 * and for the API endpoints' names, answering as Route 53 would (./route53-answers.ts). Where the
 * client is comes from its EDNS client subnet (`dig +subnet=54.246.90.0/24`, which is what
 * `aactl sandbox resolve --from eu-west-1` sends), else the sandbox's default client region.
 * Packets are encoded with `dns-packet`. Also a small client for `aactl sandbox resolve`.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { DnsAnswerResult } from './route53-answers';

/** Answers one question for a client (subnet from EDNS, if sent). */
export type Answerer = (
  name: string,
  type: string,
  clientSubnet: string | undefined,
) => DnsAnswerResult | undefined;

const RCODES: Record<DnsAnswerResult['code'] | 'REFUSED', number> = {
  NOERROR: 0,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  REFUSED: 5,
};

/** Build the response to a query packet. */
export function respond(query: Buffer, answerer: Answerer): Buffer {
  const packet = dnsPacket.decode(query);
  const question = packet.questions?.[0];
  const opt = packet.additionals?.find(
    (record): record is dnsPacket.OptAnswer => record.type === 'OPT',
  );
  const subnet = opt?.options.find((option) => option.code === 8) as
    { ip?: string; sourcePrefixLength?: number } | undefined;
  const base = {
    type: 'response' as const,
    id: packet.id ?? 0,
    questions: packet.questions ?? [],
  };
  const ednsBack: dnsPacket.Answer[] =
    opt === undefined
      ? []
      : [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: 4096,
            flags: 0,
            options:
              subnet?.ip === undefined
                ? []
                : [
                    {
                      code: 8,
                      family: 1,
                      sourcePrefixLength: subnet.sourcePrefixLength ?? 24,
                      scopePrefixLength: subnet.sourcePrefixLength ?? 24,
                      ip: subnet.ip,
                    },
                  ],
          } as unknown as dnsPacket.Answer,
        ];
  if (question === undefined) {
    return dnsPacket.encode({ ...base, flags: RCODES.REFUSED });
  }
  const result = answerer(question.name, question.type, subnet?.ip);
  if (result === undefined) {
    return dnsPacket.encode({ ...base, flags: RCODES.REFUSED, additionals: ednsBack });
  }
  const answers: dnsPacket.Answer[] = result.values.map((value) =>
    question.type === 'TXT'
      ? {
          type: 'TXT',
          name: question.name,
          ttl: result.ttlSeconds,
          data: [value.replace(/^"|"$/g, '')],
        }
      : ({
          type: question.type,
          name: question.name,
          ttl: result.ttlSeconds,
          data: value,
        } as dnsPacket.Answer),
  );
  return dnsPacket.encode({
    ...base,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | RCODES[result.code],
    answers,
    additionals: ednsBack,
  });
}

/** A running DNS server. */
export interface DnsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Serve DNS on 127.0.0.1:`port` (UDP and TCP; 0: a free port, the same for both). */
export async function startDnsServer(port: number, answerer: Answerer): Promise<DnsServer> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const udp = createSocket('udp4');
    const udpPort = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, '127.0.0.1', () => resolve(udp.address().port));
    });
    const tcp = createServer((socket) => serveTcp(socket, answerer));
    const listening = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(udpPort, '127.0.0.1', () => resolve(true));
    });
    if (!listening) {
      udp.close();
      if (port !== 0)
        throw new Error(`DNS port ${port} is in use over TCP; pick another with --port`);
      continue;
    }
    udp.on('message', (message, remote) => {
      try {
        udp.send(respond(message, answerer), remote.port, remote.address);
      } catch {
        // a packet that does not decode gets no answer, as from a real server
      }
    });
    return { port: udpPort, close: () => closeBoth(udp, tcp) };
  }
  throw new Error('could not find a port free for DNS over both UDP and TCP');
}

function serveTcp(socket: Socket, answerer: Answerer): void {
  let buffer = Buffer.alloc(0);
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 2) {
      const length = buffer.readUInt16BE(0);
      if (buffer.length < 2 + length) return;
      const message = buffer.subarray(2, 2 + length);
      buffer = buffer.subarray(2 + length);
      try {
        const answer = respond(message, answerer);
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(answer.length);
        socket.write(Buffer.concat([prefix, answer]));
      } catch {
        socket.destroy();
      }
    }
  });
}

function closeBoth(udp: UdpSocket, tcp: Server): Promise<void> {
  return new Promise((resolve) => {
    udp.close(() => tcp.close(() => resolve()));
  });
}

/** What a lookup returned. */
export interface LookupResult {
  readonly rcode: string;
  readonly answers: readonly {
    readonly type: string;
    readonly value: string;
    readonly ttl: number;
  }[];
}

/** Ask the sandbox's DNS server over UDP, optionally with an EDNS client subnet. */
export function queryDns(options: {
  readonly port: number;
  readonly name: string;
  readonly type?: 'A' | 'TXT';
  readonly clientSubnet?: string;
  readonly timeoutMs?: number;
}): Promise<LookupResult> {
  const query = dnsPacket.encode({
    type: 'query',
    id: Math.floor(Math.random() * 65_535),
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: options.type ?? 'A', name: options.name }],
    additionals:
      options.clientSubnet === undefined
        ? []
        : [
            {
              type: 'OPT',
              name: '.',
              udpPayloadSize: 4096,
              flags: 0,
              options: [
                {
                  code: 8,
                  family: 1,
                  sourcePrefixLength: 24,
                  scopePrefixLength: 0,
                  ip: options.clientSubnet,
                },
              ],
            } as unknown as dnsPacket.Answer,
          ],
  });
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(
        new Error(
          `no DNS answer from 127.0.0.1:${options.port} within ${options.timeoutMs ?? 2000} ms; is the sandbox running?`,
        ),
      );
    }, options.timeoutMs ?? 2000);
    socket.on('message', (message) => {
      clearTimeout(timer);
      socket.close();
      const packet = dnsPacket.decode(message);
      const rcodes = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];
      resolve({
        rcode: rcodes[(packet.flags ?? 0) & 0xf] ?? 'UNKNOWN',
        answers: (packet.answers ?? []).map((answer) => ({
          type: answer.type,
          value:
            answer.type === 'TXT'
              ? (answer.data as (string | Buffer)[]).map(String).join('')
              : String((answer as { data: unknown }).data),
          ttl: (answer as { ttl?: number }).ttl ?? 0,
        })),
      });
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
    socket.send(query, options.port, '127.0.0.1');
  });
}
