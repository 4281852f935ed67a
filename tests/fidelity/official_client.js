// Drives the official Loxone JS client (lxcommunicator) against the Miniserver simulator.
// Usage: node official_client.js HOST:PORT USER PASSWORD WATCH_UUID
// Prints one line per milestone (JSON after the tag) so that the pytest driver can assert on them.
"use strict";

const LxCommunicator = require("lxcommunicator");

const [host, user, password, watchUuid] = process.argv.slice(2);
const say = (tag, data) => console.log(`${tag} ${JSON.stringify(data === undefined ? null : data)}`);

let valueEvents = 0;
let watched = null;
let verifiedToken = null;
const delegate = {
    socketOnTokenReceived: (socket, result) => say("TOKEN", {validUntil: result.validUntil, tokenRights: result.tokenRights}),
    socketOnTokenConfirmed: () => say("TOKEN_CONFIRMED"),
    socketOnConnectionClosed: (socket, code) => say("CLOSED", code),
    socketOnEventReceived: (socket, events, type) => {
        if (type === 2) {
            valueEvents += events.length;
            events.forEach((event) => {
                if (event.uuid === watchUuid) {
                    watched = event.value;
                    say("WATCHED", event.value);
                }
            });
        } else {
            say("TABLE", {type: type, count: events.length});
        }
    },
};

const config = new LxCommunicator.WebSocketConfig(
    LxCommunicator.WebSocketConfig.protocol.WS,
    "098802e1-02b4-603c-ffffeee000d80cfd",
    "hubrelay fidelity",
    LxCommunicator.WebSocketConfig.permission.APP,
    false,
);
config.delegate = delegate;
const socket = new LxCommunicator.WebSocket(config);

const timeout = setTimeout(() => {
    say("TIMEOUT", {valueEvents: valueEvents});
    process.exit(2);
}, 20000);

socket.open(host, user, password)
    .then(() => {
        say("OPEN");
        return socket.send("jdev/sps/LoxAPPversion3");
    })
    .then((answer) => {
        say("VERSION", answer.LL.value);
        return socket.send("data/LoxAPP3.json");
    })
    .then((structure) => {
        const parsed = typeof structure === "string" ? JSON.parse(structure) : structure;
        say("STRUCTURE", Object.keys(parsed.controls).length);
        return socket.send("jdev/sps/enablebinstatusupdate");
    })
    .then((answer) => {
        say("STATUS", {code: answer.LL.Code || answer.LL.code, value: answer.LL.value});
        return new Promise((resolve) => setTimeout(resolve, 500));
    })
    .then(() => {
        say("EVENTS", {valueEvents: valueEvents, watched: watched});
        return socket.send(`jdev/sps/io/${watchUuid}/on`);
    })
    .then((answer) => {
        say("COMMAND", {code: answer.LL.Code || answer.LL.code, value: answer.LL.value});
        return new Promise((resolve) => setTimeout(resolve, 500));
    })
    .then(() => {
        say("DONE", {valueEvents: valueEvents, watched: watched});
        const tokenObj = socket._tokenHandler.getToken(config.requiredPermission, user);
        say("HAVE_TOKEN", Boolean(tokenObj && tokenObj.token));
        // resolves with the token string once checktoken succeeded
        return socket._tokenHandler.getVerifiedToken(config.requiredPermission, user);
    })
    .then((token) => {
        say("VERIFIED", typeof token === "string" && token.length > 0);
        verifiedToken = token;
        const second = new LxCommunicator.WebSocket(config);
        return second.open(host, user, null, token).then(() => {
            say("TOKEN_AUTH");
            return second.send("jdev/sps/LoxAPPversion3");
        }).then((answer) => {
            say("TOKEN_SOCKET_ANSWER", answer.LL.value);
            second.close();
        });
    })
    .then(() => socket._tokenHandler._killToken(verifiedToken, user))
    .then((answer) => {
        say("KILLED", answer && (answer.LL.code || answer.LL.Code));
        clearTimeout(timeout);
        socket.close();
        setTimeout(() => process.exit(0), 100);
    })
    .catch((error) => {
        say("ERROR", String(error && (error.stack || error.message || JSON.stringify(error))));
        clearTimeout(timeout);
        process.exit(1);
    });
