"""Tokens, hashing and command encryption over the WebSocket."""

from __future__ import annotations

import time

from tests.simulators.loxone_demo_house import uid
from tests.simulators.miniserver import MiniserverSimulator, UserSpec
from tests.simulators.miniserver_codec import LOXONE_EPOCH

from .wire import authenticated, connect, hmac_hex, sha_upper


async def test_token_requests_must_be_encrypted_and_hashed_right(ms: MiniserverSimulator) -> None:
    client = await connect(ms.base_url)
    try:
        assert (await client.request("jdev/sps/enablebinstatusupdate"))["Code"] == "400"
        keys = (await client.request("jdev/sys/getkey2/admin"))["value"]
        assert set(keys) == {"key", "salt", "hashAlg"}
        assert keys["hashAlg"] == "SHA1"
        pw_hash = sha_upper(f"admin:{keys['salt']}")
        good = hmac_hex(keys["key"], f"admin:{pw_hash}")
        plain = await client.request(
            f"jdev/sys/getjwt/{good}/admin/4/098802e1-02b4-603c-ffffeee000d80cfd/t"
        )
        assert plain["code"] == 400
        wrong = await client.get_token(password="wrong")
        assert wrong["code"] == 401
        assert ms.failed_auths == 1
        answer = await client.get_token()
        assert answer["code"] == 200
        assert answer["control"].startswith("jdev/sys/enc/")
        value = answer["value"]
        assert set(value) == {"token", "key", "validUntil", "tokenRights", "unsecurePass"}
        assert value["token"].count(".") == 2
        assert value["tokenRights"] == 1668
        now_2009 = time.time() - LOXONE_EPOCH.timestamp()
        assert abs(value["validUntil"] - (now_2009 + ms.token_lifetime)) < 5
        assert value["unsecurePass"] is True  # password equals user name
    finally:
        await client.close()


async def test_sha256_user_and_one_time_key_from_keyexchange() -> None:
    users = {"anna": UserSpec("s3cret", "SHA256")}
    async with MiniserverSimulator(users=users) as ms:
        client = await connect(ms.base_url)
        try:
            answer = await client.get_token("anna", "s3cret")
            assert answer["code"] == 200
            token = answer["value"]["token"]
        finally:
            await client.close()
        # reconnect: authwithtoken hashed (SHA256) with the key carried by the keyexchange answer
        client = await connect(ms.base_url)
        try:
            assert client.one_time_key is not None
            auth = await client.enc(
                f"authwithtoken/{hmac_hex(client.one_time_key, token, 'SHA256')}/anna"
            )
            assert auth["code"] == 200
            assert set(auth["value"]) == {"validUntil", "tokenRights", "unsecurePass"}
            assert (await client.enc("jdev/sps/LoxAPPversion3"))["value"] == ms.structure[
                "lastModified"
            ]
        finally:
            await client.close()


async def test_refresh_check_kill(ms: MiniserverSimulator) -> None:
    client = await authenticated(ms.base_url)
    try:
        [first] = ms.tokens.issued
        checked = await client.token_command("checktoken", first.token)
        assert checked["code"] == 200
        assert checked["value"]["validUntil"] == first.valid_until
        refreshed = await client.token_command("refreshjwt", first.token)
        assert refreshed["code"] == 200
        new_token = refreshed["value"]["token"]
        assert new_token != first.token
        assert not first.valid
        assert first.replaced
        assert (await client.token_command("checktoken", first.token))["code"] == 401
        assert (await client.token_command("killtoken", new_token))["code"] == 200
        assert ms.tokens.issued[-1].killed
        assert (await client.token_command("authwithtoken", new_token))["code"] == 401
    finally:
        await client.close()


async def test_legacy_firmware_uses_gettoken_only() -> None:
    async with MiniserverSimulator(firmware="10.1.0.0") as ms:
        client = await connect(ms.base_url)
        try:
            assert (await client.get_token())["code"] == 404
            answer = await client.get_token(command="gettoken")
            assert answer["code"] == 200
            token = answer["value"]["token"]
            assert len(token) == 40
            assert int(token, 16) >= 0
            refreshed = await client.token_command("refreshtoken", token)
            assert refreshed["value"]["token"] == token
            assert (await client.token_command("refreshjwt", token))["code"] == 404
        finally:
            await client.close()


async def test_expired_token_is_refused(ms: MiniserverSimulator) -> None:
    ms.token_lifetime = 0.0
    client = await authenticated(ms.base_url)
    try:
        [token] = ms.tokens.issued
        assert token.expired
        assert (await client.token_command("authwithtoken", token.token))["code"] == 401
    finally:
        await client.close()


async def test_salt_rotation_and_fenc(ms: MiniserverSimulator) -> None:
    client = await authenticated(ms.base_url)
    try:
        assert (await client.enc("jdev/cfg/version", salt="beef"))["Code"] == "401"
        rotated = await client.request(
            "jdev/sys/enc/" + client.encrypt_raw(f"nextSalt/{client.salt}/cafe/jdev/cfg/version")
        )
        assert rotated["value"] == ms.firmware
        client.salt = "cafe"
        answer = await client.fenc("jdev/cfg/version")
        assert answer == {"control": answer["control"], "value": ms.firmware, "Code": "200"}
        bad_next = await client.request(
            "jdev/sys/enc/" + client.encrypt_raw("nextSalt/0000/1111/jdev/cfg/version")
        )
        assert bad_next["Code"] == "401"
        assert (await client.request("jdev/sys/enc/notbase64!"))["Code"] == "401"
    finally:
        await client.close()


async def test_visu_password_secured_commands(ms: MiniserverSimulator) -> None:
    alarm = uid("hall.alarm")
    client = await authenticated(ms.base_url)
    try:
        assert (await client.enc(f"jdev/sps/io/{alarm}/on"))["Code"] == "500"
        salt = (await client.enc("jdev/sys/getvisusalt/admin"))["value"]
        wrong = hmac_hex(salt["key"], sha_upper(f"0000:{salt['salt']}"))
        assert (await client.enc(f"jdev/sps/ios/{wrong}/{alarm}/on"))["Code"] == "500"
        assert ms.values[uid("hall.alarm.armed")] == 0.0
        right = hmac_hex(salt["key"], sha_upper(f"1234:{salt['salt']}"))
        assert (await client.enc(f"jdev/sps/ios/{right}/{alarm}/on"))["Code"] == "200"
        assert ms.values[uid("hall.alarm.armed")] == 1.0
        assert ms.commands[-1] == (alarm, "on")
    finally:
        await client.close()


async def test_a_reset_miniserver_refuses_the_tokens_it_issued(ms: MiniserverSimulator) -> None:
    client = await authenticated(ms.base_url)
    try:
        [token] = ms.tokens.issued
        assert (await client.token_command("authwithtoken", token.token))["code"] == 200
        ms.forget_tokens()
        assert (await client.token_command("authwithtoken", token.token))["code"] == 401
        assert ms.failed_auths == 1
    finally:
        await client.close()
