'use strict';
// SPDX-License-Identifier: ISC
//
// suts/mx-connect/send.js -- a small MTA-STS sender for sts-harness, built
// the way a Node MTA (ZoneMTA, WildDuck) uses these libraries: mx-connect
// resolves the MX hosts, applies the domain's MTA-STS policy (through
// mailauth) to the MX names and opens the TCP connection; nodemailer's
// SMTPConnection speaks SMTP over it. mx-connect does not enforce TLS
// itself, so the caller's glue (marked GLUE below, see README.md) turns the
// policyMatch it reports into requireTLS + certificate verification.
// With STS_MXC_DANE=1 (suts/mx-connect-dane) the glue also enables
// mx-connect's DANE as its README describes it: dane.enabled, a
// checkDnssecSecure that reads the AD bit of the resolver's answer (Node's
// dns module does not expose it: a raw query, below), and the DANE verifier
// as the authority whenever the MX host has TLSA records.
//
//   node send.js info                 one JSON object: versions read at run time
//   node send.js check                load every module, exit 0 (start's probe)
//   node send.js now                  the sender's clock (offset applied), ISO 8601
//   node send.js deliver RCPT MSGFILE one delivery attempt, one outcome JSON line
//
// State (in $STS_STATE_DIR, which is also the working directory):
//   mta-sts-cache.json  mx-connect's MTA-STS policy cache, replaced atomically
//   clock-offset        seconds the clock verb moved this instance forward
//   deliveries.log      one JSON line per delivery attempt (diagnostics)
//   alerts.log          a line per failed policy lookup or fetch (the alerts verb)

const fs = require('node:fs');
const path = require('node:path');

const stateDir = process.env.STS_STATE_DIR || '.';
const CACHE_FILE = path.join(stateDir, 'mta-sts-cache.json');
const CLOCK_FILE = path.join(stateDir, 'clock-offset');
const LOG_FILE = path.join(stateDir, 'deliveries.log');
const ALERTS_FILE = path.join(stateDir, 'alerts.log');
const DANE = process.env.STS_MXC_DANE === '1';

let printed = false;
function outcome(kind, detail) {
    if (printed) {
        return;
    }
    printed = true;
    process.stdout.write(JSON.stringify({ outcome: kind, detail: String(detail).slice(0, 250) }) + '\n');
}

// any breakage of the sender itself is an "error" outcome, never a
// non-delivery (docs/adapter-protocol.md)
process.on('uncaughtException', err => {
    outcome('error', 'sender crashed: ' + (err && err.stack ? err.stack.split('\n').slice(0, 2).join(' ') : err));
    process.exit(1);
});
process.on('unhandledRejection', err => {
    outcome('error', 'sender crashed (unhandled rejection): ' + (err && err.message ? err.message : err));
    process.exit(1);
});

// --- the clock: an offset Date, installed before any library is loaded ---
function clockOffsetMs() {
    let text;
    try {
        text = fs.readFileSync(CLOCK_FILE, 'utf8').trim();
    } catch (err) {
        if (err.code === 'ENOENT') {
            return 0;
        }
        throw err;
    }
    if (!/^[0-9]+$/.test(text)) {
        throw new Error(`${CLOCK_FILE}: corrupt offset "${text}"`);
    }
    return Number(text) * 1000;
}

function installClock(offsetMs) {
    if (!offsetMs) {
        return;
    }
    const RealDate = Date;
    class OffsetDate extends RealDate {
        constructor(...args) {
            if (args.length === 0) {
                super(RealDate.now() + offsetMs);
            } else {
                super(...args);
            }
        }
        static now() {
            return RealDate.now() + offsetMs;
        }
        // Dates that Node makes itself (fs.Stats, ...) are still Dates
        static [Symbol.hasInstance](x) {
            return x instanceof RealDate;
        }
    }
    // Date() called as a function returns a string of the current time
    const FakeDate = new Proxy(OffsetDate, {
        apply() {
            return new OffsetDate().toString();
        }
    });
    globalThis.Date = FakeDate;
}

// alert - one line for the operator: the policy of domain could not be
// looked up or fetched, and what is applied instead
function alert(domain, policy) {
    const why = String(policy.error.message || policy.error).replace(/[^\x20-\x7e]/g, '?');
    const line = `mx-connect: WARNING: MTA-STS policy lookup for ${domain} failed: ${why}; applying mode ${policy.mode}${policy.id ? ` (policy id ${policy.id})` : ''}\n`;
    try {
        fs.appendFileSync(ALERTS_FILE, line);
    } catch {
        // the alert is lost; the delivery goes on
    }
}

// --- the policy cache: mx-connect's mtaSts.cache hook on a JSON file ---
function readCache() {
    let text;
    try {
        text = fs.readFileSync(CACHE_FILE, 'utf8');
    } catch (err) {
        if (err.code === 'ENOENT') {
            return {};
        }
        throw err;
    }
    const obj = JSON.parse(text);
    return obj && typeof obj === 'object' && !Array.isArray(obj) ? obj : {};
}

function writeCache(obj) {
    const tmp = `${CACHE_FILE}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o644);
    try {
        fs.writeSync(fd, JSON.stringify(obj, null, 1) + '\n');
        fs.fsyncSync(fd);
    } finally {
        fs.closeSync(fd);
    }
    fs.renameSync(tmp, CACHE_FILE);
}

const policyCache = {
    async get(domain) {
        const p = readCache()[domain.toLowerCase()];
        return p || false;
    },
    async set(domain, policy) {
        // GLUE: mailauth reports a failed policy lookup or fetch only as
        // policy.error (an Error, fresh; one read back from the JSON file
        // is a plain object); nothing in mx-connect logs it, so the caller
        // writes the operator's line the adapter's alerts verb prints
        if (policy && policy.error instanceof Error) {
            alert(domain, policy);
        }
        const obj = readCache();
        // an Error (policy.error) does not survive JSON; keep its message
        const copy = Object.assign({}, policy);
        if (copy.error) {
            copy.error = { message: String(copy.error.message || copy.error), code: copy.error.code };
        }
        obj[domain.toLowerCase()] = copy;
        writeCache(obj);
        return true;
    }
};

function versionOf(pkg) {
    try {
        return JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;
    } catch {
        return null;
    }
}

function mailauthVersion() {
    // mx-connect may carry its own mailauth; take the one it loads
    try {
        const p = require.resolve('mailauth/package.json', { paths: [path.dirname(require.resolve('mx-connect'))] });
        return JSON.parse(fs.readFileSync(p, 'utf8')).version;
    } catch {
        return null;
    }
}

function info() {
    process.stdout.write(
        JSON.stringify({
            name: DANE ? 'mx-connect-dane' : 'mx-connect',
            version: versionOf('mx-connect'),
            features: ['deliver', 'clock', 'restart', 'alerts'],
            node: process.version,
            'mx-connect': versionOf('mx-connect'),
            mailauth: mailauthVersion(),
            nodemailer: versionOf('nodemailer'),
            glue:
                'policyMatch.mode=enforce => requireTLS + rejectUnauthorized (CA = STS_CA_FILE only); next MX after a TLS failure' +
                (DANE ? '; dane.enabled, checkDnssecSecure = AD bit of an A query, TLSA records => requireTLS + daneVerifier' : '')
        }) + '\n'
    );
}

// GLUE (DANE): is NAME's A answer DNSSEC-secure? One raw query with AD set
// (RFC 6840 §5.7) to the resolver; the answer's AD bit says so. A timeout
// or a malformed answer throws (mx-connect then defers: a DANE lookup
// failure), an answer without AD is insecure.
function adQuery(server, name, timeoutMs) {
    const dgram = require('node:dgram');
    const labels = name.replace(/\.$/, '').split('.');
    const parts = [Buffer.from([0, 0, 0x01, 0x20, 0, 1, 0, 0, 0, 0, 0, 0])];
    for (const l of labels) {
        const b = Buffer.from(l, 'ascii');
        if (b.length === 0 || b.length > 63) {
            return Promise.reject(new Error(`bad name ${name}`));
        }
        parts.push(Buffer.from([b.length]), b);
    }
    parts.push(Buffer.from([0, 0, 1, 0, 1]));
    const q = Buffer.concat(parts);
    const id = Math.floor(Math.random() * 65536);
    q.writeUInt16BE(id, 0);
    return new Promise((resolve, reject) => {
        const sock = dgram.createSocket('udp4');
        const timer = setTimeout(() => {
            sock.close();
            reject(new Error(`DNSSEC check for ${name}: no answer`));
        }, timeoutMs);
        sock.on('error', err => {
            clearTimeout(timer);
            sock.close();
            reject(err);
        });
        sock.on('message', msg => {
            if (msg.length < 12 || msg.readUInt16BE(0) !== id) {
                return; // not ours
            }
            clearTimeout(timer);
            sock.close();
            const rcode = msg[3] & 0x0f;
            if (rcode !== 0) {
                return reject(new Error(`DNSSEC check for ${name}: rcode ${rcode}`));
            }
            resolve({ secure: (msg[3] & 0x20) !== 0 });
        });
        sock.send(q, 53, server);
    });
}

// smtpSend - connect, then (verify() returning no error) send; verify runs
// once the session is set up, after STARTTLS and its EHLO
// GLUE (DANE): an address literal (user@[192.0.2.1]) has no DNSSEC status
// and no TLSA name; a host name's is its A answer's AD bit
function dnssecSecure(server, host) {
    if (require('node:net').isIP(host)) {
        return Promise.resolve({ secure: false });
    }
    return adQuery(server, host, 3000);
}

function smtpSend(conn, envelope, message, verify) {
    return new Promise((resolve, reject) => {
        conn.once('error', reject);
        conn.connect(() => {
            const err = verify ? verify() : null;
            if (err) {
                try {
                    conn.close();
                } catch {
                    // already closed
                }
                return reject(err);
            }
            conn.send(envelope, message, (e, result) => (e ? reject(e) : resolve(result)));
        });
    });
}

// GLUE (DANE): mx-connect's verifier on the session's leaf and its issuers
// (the README's recipe); an Error (code ETLS) if it fails or TLS is absent
function daneCheck(conn, mx) {
    const sock = conn._socket;
    const leaf = conn.secure && sock && typeof sock.getPeerX509Certificate === 'function' ? sock.getPeerX509Certificate() : null;
    let err;
    if (!leaf) {
        err = new Error(`DANE: ${mx.hostname}: no TLS session to verify`);
    } else {
        const chain = [];
        // a self-signed issuer may name itself: stop at a repeat
        for (let c = leaf.issuerCertificate; c && chain.length < 8 && !chain.includes(c) && c !== leaf; c = c.issuerCertificate) {
            chain.push(c);
        }
        err = mx.daneVerifier(mx.hostname, leaf, chain) || null;
    }
    if (err) {
        err.code = 'ETLS';
    }
    return err;
}

// the reply code of an SMTP error, if the server gave one
function replyCode(err) {
    if (err && err.responseCode) {
        return err.responseCode;
    }
    const m = /^([2-5])\d\d[ -]/.exec((err && err.response) || '');
    return m ? Number(err.response.slice(0, 3)) : 0;
}

async function deliver(rcpt, msgfile) {
    const t0 = process.hrtime.bigint();
    const timeoutS = Number(process.env.STS_TIMEOUT) > 0 ? Number(process.env.STS_TIMEOUT) : 30;
    // the attempt must conclude within STS_TIMEOUT: conclude it ourselves
    // (deferred) just before, so that the harness never has to kill us
    const guard = setTimeout(
        () => {
            outcome('deferred', `no result within STS_TIMEOUT (${timeoutS}s)`);
            process.exit(0);
        },
        Math.max(1, timeoutS - 0.5) * 1000
    );
    guard.unref();

    // the sender's own inputs: failing to read them is the sender's breakage
    let ca, message;
    try {
        ca = fs.readFileSync(process.env.STS_CA_FILE || '');
    } catch (err) {
        return outcome('error', `cannot read STS_CA_FILE (${process.env.STS_CA_FILE || 'unset'}): ${err.message}`);
    }
    if (!/-----BEGIN CERTIFICATE-----/.test(ca.toString())) {
        return outcome('error', `STS_CA_FILE ${process.env.STS_CA_FILE}: no PEM certificate`);
    }
    try {
        message = fs.readFileSync(msgfile);
    } catch (err) {
        return outcome('error', `cannot read the message: ${err.message}`);
    }
    const resolverAddr = process.env.STS_RESOLVER;
    if (!resolverAddr) {
        return outcome('error', 'STS_RESOLVER is not set');
    }
    const from = process.env.STS_MAIL_FROM || '';

    // TLS trust: the run's CA only. mailauth fetches the policy with
    // https.request and no agent, so it uses https.globalAgent.
    const https = require('node:https');
    https.globalAgent = new https.Agent({ ca, keepAlive: false });

    // DNS: one resolver, STS_RESOLVER. mx-connect hands dnsOptions to
    // mailauth's policy lookups too (createPolicyResolver); the default
    // resolver is pointed at it as well for anything that bypasses both.
    const dns = require('node:dns');
    dns.setServers([resolverAddr]);
    const resolver = new dns.promises.Resolver({ timeout: 3000, tries: 2 });
    resolver.setServers([resolverAddr]);
    const resolveRecords = (domain, type) => resolver.resolve(domain, type);

    const mxConnect = require('mx-connect');
    const SMTPConnection = require('nodemailer/lib/smtp-connection');

    const stsLog = [];
    const daneLog = [];
    const attempts = [];
    const ignore = [];
    let lastErr = null;
    let result = null;
    const maxAttempts = 5;

    for (let i = 0; i < maxAttempts && !result; i++) {
        let mx;
        try {
            mx = await mxConnect({
                target: rcpt,
                port: 25,
                maxConnectTime: 5000,
                localHostname: 'mx-connect.sender.test',
                ignoreMXHosts: ignore.slice(),
                mxLastError: lastErr || undefined,
                dnsOptions: { ignoreIPv6: true, blockLocalAddresses: false, resolveRecords },
                mtaSts: { enabled: true, cache: policyCache, logger: e => stsLog.push(e) },
                dane: DANE ? { enabled: true, checkDnssecSecure: host => dnssecSecure(resolverAddr, host), logger: e => daneLog.push(e) } : undefined
            });
        } catch (err) {
            // mx-connect found no host it may connect to (DNS, policy,
            // connection refused) or every remaining one failed
            if (err === lastErr) {
                break; // ignoreMXHosts left nothing: lastErr is the story
            }
            lastErr = err;
            attempts.push({ stage: 'connect', error: err.message, category: err.category, code: err.code });
            break;
        }

        // GLUE: what the caller adds to mx-connect. policyMatch is
        // mailauth's validateMx() for this MX (mx-connect already refused
        // MX hosts that an enforce policy does not list). In enforce mode
        // STARTTLS is required and the certificate is verified against the
        // run's CA and the MX host name; otherwise TLS is opportunistic.
        const pm = mx.policyMatch || { valid: true, mode: 'none' };
        const enforce = pm.mode === 'enforce' || mx.requireTls === true;
        // GLUE (DANE), as mx-connect's README says: with TLSA records the
        // DANE verifier is the authority, so PKIX is off (a DANE-EE
        // certificate need not chain to any CA; Node would not even call
        // checkServerIdentity after a PKIX failure) and the verifier is
        // called on the leaf and its chain after the handshake, before
        // MAIL FROM (daneCheck); TLS is required (mx.requireTls)
        const dane = DANE && mx.daneEnabled === true && typeof mx.daneVerifier === 'function';
        const tls = { ca, servername: mx.hostname, rejectUnauthorized: enforce && !dane, minVersion: 'TLSv1.2' };
        const conn = new SMTPConnection({
            connection: mx.socket,
            host: mx.hostname,
            port: mx.port,
            name: 'mx-connect.sender.test',
            secure: false,
            requireTLS: enforce,
            opportunisticTLS: !enforce,
            connectionTimeout: 5000,
            greetingTimeout: 5000,
            socketTimeout: 10000,
            tls
        });
        const att = { mx: mx.hostname, ip: mx.host, mode: pm.mode, valid: pm.valid, enforce, dane };
        attempts.push(att);
        try {
            const info = await smtpSend(conn, { from, to: [rcpt] }, message, dane ? () => daneCheck(conn, mx) : null);
            att.tls = conn.secure === true;
            att.response = info.response;
            result = { kind: 'delivered', detail: `${mx.hostname} ${att.tls ? 'TLS' : 'plaintext'} sts=${pm.mode}${dane ? ' dane' : ''}: ${info.response}` };
        } catch (err) {
            att.error = err.message;
            att.code = err.code;
            const code = replyCode(err);
            att.reply = code || undefined;
            if (code >= 500 && err.code !== 'ETLS' && err.code !== 'EGREETING') {
                result = { kind: 'bounced', detail: `${mx.hostname}: ${err.response || err.message}` };
            } else if (code >= 400 && (err.code === 'EENVELOPE' || err.code === 'EMESSAGE')) {
                result = { kind: 'deferred', detail: `${mx.hostname}: ${err.response || err.message}` };
            } else {
                // TLS, greeting or connection trouble at this MX: treat it
                // like an unreachable MX and go on to the next (RFC 8461
                // §5.1, RFC 5321 §5.1)
                lastErr = err;
                ignore.push(mx.host);
            }
        } finally {
            try {
                conn.close();
            } catch {
                // already closed
            }
        }
    }
    if (!result) {
        const e = lastErr || new Error('no MX host to try');
        const cat = e.category ? `${e.category}: ` : '';
        result = { kind: 'deferred', detail: cat + (e.message || String(e)) };
    }

    const ms = Number((process.hrtime.bigint() - t0) / 1000000n);
    try {
        fs.appendFileSync(
            LOG_FILE,
            JSON.stringify({ time: new Date().toISOString(), rcpt, outcome: result.kind, ms, attempts, sts: stsLog.map(e => ({ msg: e.msg, mode: e.mode, success: e.success, hostname: e.hostname, error: e.error && String(e.error.message || e.error) })), dane: daneLog.map(e => ({ msg: e.msg, hostname: e.hostname })) }) + '\n'
        );
    } catch {
        // diagnostics only
    }
    outcome(result.kind, result.detail);
}

async function main() {
    const [verb, ...args] = process.argv.slice(2);
    if (verb === 'info') {
        return info();
    }
    if (verb === 'check') {
        require('mx-connect');
        require('nodemailer/lib/smtp-connection');
        return;
    }
    if (verb === 'now') {
        installClock(clockOffsetMs());
        process.stdout.write(new Date().toISOString() + ' ' + Date.now() + '\n');
        return;
    }
    if (verb !== 'deliver' || args.length !== 2) {
        process.stderr.write('usage: send.js info | check | now | deliver RCPT MSGFILE\n');
        process.exit(2);
    }
    try {
        installClock(clockOffsetMs());
    } catch (err) {
        return outcome('error', `clock: ${err.message}`);
    }
    await deliver(args[0], args[1]);
}

main().then(
    () => process.exit(0),
    err => {
        outcome('error', 'sender crashed: ' + (err && err.message ? err.message : err));
        process.exit(1);
    }
);
