"""A minimal, independent test-side Miniserver client: just enough protocol to probe the simulator.

Written from the protocol document, not from the simulator's code, so the tests check the simulator
against the spec rather than against itself.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
import hashlib
import hmac
import json
import os
import struct
from typing import Any
from urllib.parse import quote

import aiohttp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

HEADER = struct.Struct("<BBBBI")


@dataclass
class Message:
    identifier: int
    payload: bytes | str
    estimated_seen: bool = False

    def json(self) -> dict[str, Any]:
        assert isinstance(self.payload, str)
        return json.loads(self.payload)["LL"]


def aes_encrypt(key: bytes, iv: bytes, text: str) -> str:
    data = text.encode()
    data += b"\0" * (16 - len(data) % 16 if len(data) % 16 else 0)
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(enc.update(data) + enc.finalize()).decode()


def aes_decrypt(key: bytes, iv: bytes, b64: str) -> str:
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    raw = base64.b64decode(b64)
    return (dec.update(raw) + dec.finalize()).rstrip(b"\0").decode()


def hmac_hex(key_hex: str, text: str, alg: str = "SHA1") -> str:
    return hmac.new(bytes.fromhex(key_hex), text.encode(), alg.lower()).hexdigest()


def sha_upper(text: str, alg: str = "SHA1") -> str:
    return hashlib.new(alg.lower(), text.encode()).hexdigest().upper()


def load_public_key(one_line: str) -> rsa.RSAPublicKey:
    body = one_line.replace("-----BEGIN CERTIFICATE-----", "").replace(
        "-----END CERTIFICATE-----", ""
    )
    key = serialization.load_der_public_key(base64.b64decode(body))
    assert isinstance(key, rsa.RSAPublicKey)
    return key


def rsa_session_key(public_key: rsa.RSAPublicKey, key: bytes, iv: bytes) -> str:
    payload = f"{key.hex()}:{iv.hex()}".encode()
    return base64.b64encode(public_key.encrypt(payload, padding.PKCS1v15())).decode()


@dataclass
class WireClient:
    http: aiohttp.ClientSession
    ws: aiohttp.ClientWebSocketResponse
    public_key: rsa.RSAPublicKey
    key: bytes = field(default_factory=lambda: os.urandom(32))
    iv: bytes = field(default_factory=lambda: os.urandom(16))
    salt: str = field(default_factory=lambda: os.urandom(2).hex())
    one_time_key: str | None = None
    events: list[Message] = field(default_factory=list)

    async def close(self) -> None:
        await self.ws.close()
        await self.http.close()

    # -- framing --
    async def recv_frame(self, wait: float = 3.0) -> aiohttp.WSMessage:
        return await self.ws.receive(timeout=wait)

    async def recv_message(self, wait: float = 3.0) -> Message:
        """One header + payload; estimated headers are skipped (and noted)."""
        estimated = False
        while True:
            frame = await self.recv_frame(wait)
            assert frame.type == aiohttp.WSMsgType.BINARY, frame
            assert len(frame.data) == 8, frame.data
            magic, identifier, info, _reserved, length = HEADER.unpack(frame.data)
            assert magic == 0x03
            if info & 0x80:
                estimated = True
                continue
            if identifier in (5, 6):
                return Message(identifier, b"", estimated)
            payload = await self.recv_frame(wait)
            if payload.type == aiohttp.WSMsgType.TEXT:
                assert len(payload.data.encode()) == length
                return Message(identifier, payload.data, estimated)
            assert payload.type == aiohttp.WSMsgType.BINARY, payload
            assert len(payload.data) == length
            return Message(identifier, payload.data, estimated)

    async def answer(self, wait: float = 3.0) -> Message:
        """The next text answer; event tables met on the way are kept in ``events``."""
        while True:
            message = await self.recv_message(wait)
            if message.identifier in (2, 3, 4, 7):
                self.events.append(message)
                continue
            return message

    async def request(self, command: str) -> dict[str, Any]:
        await self.ws.send_str(command)
        return (await self.answer()).json()

    # -- encryption --
    async def keyexchange(self) -> dict[str, Any]:
        answer = await self.request(
            f"jdev/sys/keyexchange/{rsa_session_key(self.public_key, self.key, self.iv)}"
        )
        if answer["value"]:
            self.one_time_key = aes_decrypt(self.key, self.iv, answer["value"])
        return answer

    def encrypt_raw(self, plain: str) -> str:
        return quote(aes_encrypt(self.key, self.iv, plain), safe="")

    def encrypt(self, command: str, salt: str | None = None) -> str:
        return self.encrypt_raw(f"salt/{salt or self.salt}/{command}")

    async def enc(self, command: str, *, salt: str | None = None) -> dict[str, Any]:
        return await self.request(f"jdev/sys/enc/{self.encrypt(command, salt)}")

    async def fenc(self, command: str) -> dict[str, Any]:
        await self.ws.send_str(f"jdev/sys/fenc/{self.encrypt(command)}")
        message = await self.answer()
        assert isinstance(message.payload, str)
        return json.loads(aes_decrypt(self.key, self.iv, message.payload))["LL"]

    # -- tokens --
    async def get_token(
        self,
        user: str = "admin",
        password: str = "admin",  # noqa: S107 - the simulator's default user
        *,
        command: str = "getjwt",
        perm: int = 4,
    ) -> dict[str, Any]:
        keys = (await self.enc(f"jdev/sys/getkey2/{user}"))["value"]
        alg = keys.get("hashAlg", "SHA1")
        pw_hash = sha_upper(f"{password}:{keys['salt']}", alg)
        token_hash = hmac_hex(keys["key"], f"{user}:{pw_hash}", alg)
        return await self.enc(
            f"jdev/sys/{command}/{token_hash}/{user}/{perm}/098802e1-02b4-603c-ffffeee000d80cfd/tests"
        )

    async def token_command(
        self, name: str, token: str, user: str = "admin", alg: str = "SHA1"
    ) -> dict[str, Any]:
        key = (await self.enc("jdev/sys/getkey"))["value"]
        prefix = "" if name == "authwithtoken" else "jdev/sys/"
        return await self.enc(f"{prefix}{name}/{hmac_hex(key, token, alg)}/{user}")


async def connect(base_url: str, *, keyexchange: bool = True) -> WireClient:
    http = aiohttp.ClientSession()
    try:
        async with http.get(f"{base_url}/jdev/sys/getPublicKey") as response:
            public_key = load_public_key(json.loads(await response.text())["LL"]["value"])
        ws = await http.ws_connect(f"{base_url}/ws/rfc6455", protocols=("remotecontrol",))
    except BaseException:
        await http.close()
        raise
    client = WireClient(http, ws, public_key)
    if keyexchange:
        await client.keyexchange()
    return client


async def authenticated(base_url: str) -> WireClient:
    client = await connect(base_url)
    try:
        answer = await client.get_token()
        assert answer["code"] == 200, answer
    except BaseException:
        await client.close()
        raise
    return client
