"""Command semantics shared by the simulator's WebSocket and HTTP front ends.

A command string (``jdev/sys/getkey2/admin``, ``jdev/sps/io/{uuid}/on`` ...) is turned into an
:class:`Answer`, the ``{"LL": {...}}`` message a Miniserver returns. Authentication state, one-time
keys and the AES session live in a :class:`Context` (one per WebSocket, or one per HTTP request).
"""

from __future__ import annotations

from dataclasses import dataclass, field
import json
import logging
import re
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from .miniserver_controls import Control, execute
from .miniserver_crypto import CryptoError, SessionKey, hash_matches, hmac_hex, sha_hex_upper
from .miniserver_system import MESSAGE_CENTER_COMMAND

if TYPE_CHECKING:
    from .miniserver import MiniserverSimulator
    from .miniserver_auth import Token

_LOGGER = logging.getLogger(__name__)

TOKEN_STYLE_PREFIXES = (
    "jdev/sys/getkey2/",
    "jdev/sys/getjwt/",
    "jdev/sys/gettoken/",
    "jdev/sys/refreshjwt/",
    "jdev/sys/refreshtoken/",
    "jdev/sys/checktoken/",
    "jdev/sys/killtoken/",
    "authwithtoken/",
    "jdev/sys/getvisusalt/",
)
"""Newer "token" commands: the real Miniserver echoes them verbatim and reports ``code``."""

UNAUTHENTICATED_PREFIXES = (
    "jdev/sys/keyexchange/",
    "jdev/sys/getkey",
    "jdev/sys/getPublicKey",
    "jdev/sys/getcertificate",
    "jdev/sys/getjwt/",
    "jdev/sys/gettoken/",
    "authwithtoken/",
    "jdev/cfg/",
    "keepalive",
)
_LOXONE_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{16}")


def _ascii_hex(text: str) -> str:
    """Hex of the ASCII text, the way real getkey/getkey2 answers encode keys and salts."""
    return text.encode("ascii").hex().upper()


def new_one_time_key() -> str:
    """A fresh one-time key (hex of 40 uppercase hex characters, like the real getkey2 answer)."""
    return _ascii_hex(secrets.token_hex(20).upper())


@dataclass(slots=True)
class Answer:
    """One ``{"LL": ...}`` answer."""

    control: str
    value: Any
    code: int
    token_style: bool = field(init=False)
    """Decided by the command itself (an ``enc`` wrapper later only changes the echoed control)."""

    def __post_init__(self) -> None:
        """The real Miniserver answers the newer token commands in a different style."""
        self.token_style = self.control.startswith(TOKEN_STYLE_PREFIXES)

    def to_json(self, status_field: str) -> str:
        """Serialise with ``Code`` (string) or ``code`` (number), per ``status_field`` quirk."""
        token_style = self.token_style
        control = self.control if token_style else re.sub(r"^jdev/", "dev/", self.control)
        if status_field == "auto":
            status_key, status = ("code", self.code) if token_style else ("Code", str(self.code))
        elif status_field == "code":
            status_key, status = "code", self.code
        else:
            status_key, status = "Code", str(self.code)
        return json.dumps({"LL": {"control": control, "value": self.value, status_key: status}})


@dataclass(slots=True)
class Context:
    """Per-connection (or per-HTTP-request) protocol state."""

    over_websocket: bool
    keys: list[str] = field(default_factory=list)
    visu_keys: list[tuple[str, str]] = field(default_factory=list)
    session_key: SessionKey | None = None
    salt: str | None = None
    user: str | None = None

    @property
    def authenticated(self) -> bool:
        """A token was acquired or presented on this connection."""
        return self.user is not None

    def issue_key(self) -> str:
        """Hand out (and remember) a one-time key."""
        key = new_one_time_key()
        self.keys.append(key)
        del self.keys[:-8]
        return key


def _token_info(token: Token, weak_password: bool) -> dict[str, Any]:
    """Lifetime fields shared by authwithtoken, checktoken and refresh answers."""
    return {
        "validUntil": token.valid_until,
        "tokenRights": token.rights,
        "unsecurePass": weak_password,
    }


class Commands:
    """Executes commands against one simulator."""

    def __init__(self, sim: MiniserverSimulator) -> None:
        """Bind to the simulator whose users, tokens, states and quirks are used."""
        self.sim = sim

    # -- encryption --------------------------------------------------------------------------------
    def decrypt_command(self, ctx: Context, cipher: str, session_key: SessionKey) -> str | None:
        """Decrypt an enc/fenc payload and strip (and check) its salt; ``None`` when unusable."""
        try:
            plain = session_key.decrypt(unquote(cipher))
        except CryptoError:
            _LOGGER.debug("encrypted command cannot be decrypted")
            return None
        if plain.startswith("salt/"):
            _, salt, command = plain.split("/", 2) if plain.count("/") >= 2 else ("", "", "")
            if ctx.over_websocket and self.sim.quirks.strict_salt and ctx.salt not in (None, salt):
                _LOGGER.debug("salt changed without nextSalt: rejected")
                return None
            ctx.salt = salt
            return command or None
        if plain.startswith("nextSalt/") and plain.count("/") >= 3:
            _, previous, following, command = plain.split("/", 3)
            if (
                ctx.over_websocket
                and self.sim.quirks.strict_salt
                and ctx.salt not in (None, previous)
            ):
                _LOGGER.debug("nextSalt does not continue the current salt: rejected")
                return None
            ctx.salt = following
            return command
        _LOGGER.debug("encrypted command without salt: rejected")
        return None

    # -- dispatch ----------------------------------------------------------------------------------
    def run(self, ctx: Context, command: str, *, encrypted: bool) -> Answer:
        """Execute one plain command and build its answer."""
        path = command.split("?", 1)[0]
        self.sim.received.append(path)
        if not ctx.authenticated and not path.startswith(UNAUTHENTICATED_PREFIXES):
            return Answer(command, "", 400)
        if path.startswith("jdev/cfg/"):
            return self._config(command, path)
        if path.startswith(("jdev/sys/", "authwithtoken/")):
            return self._system(ctx, command, path, encrypted=encrypted)
        if path.startswith("jdev/sps/"):
            return self._sps(ctx, command, path, encrypted=encrypted)
        return Answer(command, "", 404)

    def _config(self, command: str, path: str) -> Answer:
        sim = self.sim
        if path == "jdev/cfg/api":
            return Answer(command, sim.api_value(), 200)
        if path == "jdev/cfg/apiKey":
            return Answer(command, sim.api_key_value(), 200)
        if path == "jdev/cfg/version":
            return Answer(command, sim.firmware, 200)
        if path == "jdev/cfg/mac":
            return Answer(command, sim.mac, 200)
        return Answer(command, "", 404)

    def _system(self, ctx: Context, command: str, path: str, *, encrypted: bool) -> Answer:
        parts = path.split("/")
        name = parts[0] if parts[0] == "authwithtoken" else parts[2] if len(parts) > 2 else ""
        args = parts[1:] if name == "authwithtoken" else parts[3:]
        sim = self.sim
        if name == "getPublicKey":
            return Answer(command, sim.public_key(), 200)
        if name == "getcertificate":
            return Answer(command, sim.certificate(), 200)
        if name == "getkey":
            return Answer(command, ctx.issue_key(), 200)
        if name == "getkey2" and len(args) == 1:
            return self._getkey2(ctx, command, unquote(args[0]))
        if name in {"getjwt", "gettoken"}:
            return self._get_token(ctx, command, name, args, encrypted=encrypted)
        if name == "authwithtoken" and len(args) == 2:
            return self._auth_with_token(ctx, command, args[0], unquote(args[1]))
        if name in {"refreshjwt", "refreshtoken", "checktoken", "killtoken"} and len(args) == 2:
            return self._token_command(ctx, command, name, args[0], unquote(args[1]))
        if name == "getvisusalt" and len(args) == 1:
            return self._visu_salt(ctx, command, unquote(args[0]))
        if not args:
            code, value = sim.system_figures.answer(name)
            return Answer(command, value, code)
        return Answer(command, "", 404)

    # -- tokens ------------------------------------------------------------------------------------
    def _getkey2(self, ctx: Context, command: str, user: str) -> Answer:
        spec = self.sim.users.get(user)
        if spec is None:
            return Answer(command, "", 401)
        value: dict[str, str] = {"key": ctx.issue_key(), "salt": spec.salt}
        if not self.sim.quirks.getkey2_without_hash_alg:
            value["hashAlg"] = spec.hash_alg
        return Answer(command, value, 200)

    def _auth_failed(self, command: str) -> Answer:
        self.sim.record_auth_failure()
        return Answer(command, "", 401)

    def _forced_failure(self, command: str) -> Answer | None:
        code = self.sim.take_forced_auth_failure()
        if code is None:
            return None
        if code == 401:
            self.sim.record_auth_failure()
        return Answer(command, "", code)

    def _get_token(
        self, ctx: Context, command: str, name: str, args: list[str], *, encrypted: bool
    ) -> Answer:
        sim = self.sim
        if name == "getjwt" and not sim.supports_jwt():
            return Answer(command, "", 404)
        if name == "gettoken" and not sim.supports_legacy_tokens():
            return Answer(command, "", 400)
        if sim.quirks.require_encrypted_token_requests and not encrypted:
            return Answer(command, "", 400)
        if len(args) < 4:
            return Answer(command, "", 400)
        forced = self._forced_failure(command)
        if forced is not None:
            return forced
        token_hash, user = args[0], unquote(args[1])
        spec = sim.users.get(user)
        if spec is None or not args[2].isdigit():
            return self._auth_failed(command)
        text = f"{user}:{spec.password_hash()}"
        if not any(
            hash_matches(hmac_hex(key, text, spec.hash_alg), token_hash) for key in ctx.keys
        ):
            _LOGGER.debug("token request for %s: password hash does not match", user)
            return self._auth_failed(command)
        token = sim.tokens.issue(
            user=user,
            permission=int(args[2]),
            client_uuid=args[3],
            info=unquote(args[4]) if len(args) > 4 else "",
            jwt=name == "getjwt",
            lifetime=sim.token_lifetime,
        )
        ctx.user = user
        _LOGGER.debug("issued %s for %s (permission %s)", name, user, args[2])
        value = {
            "token": token.token,
            "key": ctx.issue_key(),
            "validUntil": token.valid_until,
            "tokenRights": token.rights,
            "unsecurePass": self._weak_password(user),
        }
        return Answer(command, value, 200)

    def _auth_with_token(self, ctx: Context, command: str, token_hash: str, user: str) -> Answer:
        forced = self._forced_failure(command)
        if forced is not None:
            return forced
        token = self._find_token(ctx, user, token_hash)
        if token is None:
            _LOGGER.debug("authwithtoken for %s: no valid token matches", user)
            return self._auth_failed(command)
        ctx.user = user
        return Answer(command, _token_info(token, self._weak_password(user)), 200)

    def _find_token(self, ctx: Context, user: str, token_hash: str) -> Token | None:
        spec = self.sim.users.get(user)
        return self.sim.tokens.find(
            user,
            token_hash,
            ctx.keys,
            lenient=self.sim.quirks.lenient_token_hash,
            user_alg=spec.hash_alg if spec else "SHA1",
        )

    def _token_command(
        self, ctx: Context, command: str, name: str, token_hash: str, user: str
    ) -> Answer:
        sim = self.sim
        if name == "refreshjwt" and not sim.supports_jwt():
            return Answer(command, "", 404)
        token = self._find_token(ctx, user, token_hash)
        if token is None:
            return Answer(command, "", 401)
        if name == "killtoken":
            token.killed = True
            _LOGGER.debug("token of %s killed", user)
            return Answer(command, "", 200)
        if name == "checktoken":
            return Answer(command, _token_info(token, self._weak_password(user)), 200)
        fresh = sim.tokens.refresh(token, sim.token_lifetime)
        _LOGGER.debug("token of %s refreshed", user)
        value = {"token": fresh.token, **_token_info(fresh, self._weak_password(user))}
        return Answer(command, value, 200)

    def _weak_password(self, user: str) -> bool:
        """The Miniserver flags a password equal to the user name as weak (unsecurePass)."""
        spec = self.sim.users.get(user)
        return spec is not None and spec.password == user

    # -- secured (visualisation password) commands -------------------------------------------------
    def _visu_salt(self, ctx: Context, command: str, user: str) -> Answer:
        spec = self.sim.users.get(user)
        if spec is None:
            return Answer(command, "", 401)
        key, salt = new_one_time_key(), _ascii_hex(secrets.token_hex(8))
        ctx.visu_keys.append((key, salt))
        del ctx.visu_keys[:-8]
        return Answer(command, {"key": key, "salt": salt, "hashAlg": spec.hash_alg}, 200)

    def _visu_hash_ok(self, ctx: Context, received: str) -> bool:
        password = self.sim.visu_password
        if password is None:
            return False
        for key, salt in ctx.visu_keys:
            for algorithm in ("SHA1", "SHA256"):
                pw_hash = sha_hex_upper(f"{password}:{salt}", algorithm)
                if hash_matches(hmac_hex(key, pw_hash, algorithm), received):
                    return True
        return False

    # -- sps ---------------------------------------------------------------------------------------
    def _sps(self, ctx: Context, command: str, path: str, *, encrypted: bool) -> Answer:
        sim = self.sim
        if path == "jdev/sps/LoxAPPversion3":
            return Answer(command, sim.structure.get("lastModified", ""), 200)
        if path == "jdev/sps/enablebinstatusupdate":
            return Answer(command, "1", 200)
        if path.startswith("jdev/sps/io/"):
            rest = path.removeprefix("jdev/sps/io/")
            action, cmd = self.split_action(rest)
            if cmd == "securedDetails":
                value, code = sim.intercom.secured_details(
                    action, sim.base_url, encrypted=encrypted
                )
                return Answer(command, value, code)
            return self._io(command, rest, secured=False)
        if path.startswith("jdev/sps/ios/"):
            visu_hash, _, rest = path.removeprefix("jdev/sps/ios/").partition("/")
            if not self._visu_hash_ok(ctx, visu_hash):
                _LOGGER.debug("secured command with a wrong visualisation password hash")
                return Answer(command, "", 500)
            return self._io(command, rest, secured=True)
        return Answer(command, "", 404)

    def split_action(self, rest: str) -> tuple[str, str]:
        """Split ``{uuidAction}/{cmd}``, where a sub-control uuidAction may contain a slash."""
        for action in self.sim.actions_longest_first():
            if rest == action or rest.startswith(action + "/"):
                return action, rest[len(action) + 1 :]
        match = _LOXONE_UUID.match(rest)
        if match:
            return match.group(0), rest[match.end() + 1 :]
        head, _, tail = rest.partition("/")
        return head, tail

    def _io(self, command: str, rest: str, *, secured: bool) -> Answer:
        action, cmd = self.split_action(rest)
        center = self.sim.message_center
        if center is not None and action == center.action:  # not a control: no `commands` entry
            if cmd != MESSAGE_CENTER_COMMAND:
                return Answer(command, "", 400)
            center.fetches += 1
            return Answer(command, center.answer(), 200)
        self.sim.commands.append((action, cmd))
        _LOGGER.debug("control command %s -> %s", action, cmd)
        data = self.sim.control_data(action)
        if data is None:
            return Answer(command, "", 404)
        if data.get("isSecured") and not secured:
            return Answer(command, "", 500)
        value = self.dispatch(action, cmd)
        if value is None:
            return Answer(command, "", 400)
        return Answer(command, value, 200)

    def dispatch(self, action: str, cmd: str) -> str | None:
        """Execute ``cmd`` on the control with uuidAction ``action`` (central controls too)."""
        data = self.sim.control_data(action)
        if data is None:
            return None
        return execute(Control(data, self.sim.store, self.dispatch), cmd)
