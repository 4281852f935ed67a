"""HTTP endpoints: apiKey/api, public key, certificate, structure file, HTTP encryption."""

from __future__ import annotations

import base64
import json
import os
from urllib.parse import quote

import aiohttp
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.simulators.loxone_demo_house import uid
from tests.simulators.miniserver import MiniserverSimulator

from .wire import aes_decrypt, aes_encrypt, hmac_hex, load_public_key, rsa_session_key, sha_upper


def _single_quoted(value: str) -> dict[str, object]:
    return json.loads(value.replace("'", '"'))


async def _get(ms: MiniserverSimulator, path: str, **kwargs: object) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(f"{ms.base_url}/{path}", **kwargs) as r:  # type: ignore[arg-type]
        return r.status, await r.text()


async def test_api_key_and_api_values_are_single_quoted(ms: MiniserverSimulator) -> None:
    status, body = await _get(ms, "jdev/cfg/apiKey")
    answer = json.loads(body)["LL"]
    assert status == 200
    assert answer["control"] == "dev/cfg/apiKey"
    assert answer["Code"] == "200"
    assert "'snr': '50:4F:94:A0:B1:C2'" in answer["value"]
    info = _single_quoted(answer["value"])
    assert info["version"] == "14.5.12.7"
    assert info["local"] is True
    assert bytes.fromhex(str(info["key"]))

    api = _single_quoted(json.loads((await _get(ms, "jdev/cfg/api"))[1])["LL"]["value"])
    assert api == {"snr": "50:4F:94:A0:B1:C2", "version": "14.5.12.7", "hasEventSlots": True}
    ms.event_slots = False
    api = _single_quoted(json.loads((await _get(ms, "jdev/cfg/api"))[1])["LL"]["value"])
    assert api["hasEventSlots"] is False


async def test_public_key_is_a_one_line_mislabelled_spki_and_certificate_matches(
    ms: MiniserverSimulator,
) -> None:
    value = json.loads((await _get(ms, "jdev/sys/getPublicKey"))[1])["LL"]["value"]
    assert value.startswith("-----BEGIN CERTIFICATE-----")
    assert value.endswith("-----END CERTIFICATE-----")
    assert "\n" not in value
    key = load_public_key(value)
    pem = json.loads((await _get(ms, "jdev/sys/getcertificate"))[1])["LL"]["value"]
    certificate = x509.load_pem_x509_certificate(pem.encode())
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    assert certificate.public_key().public_bytes(serialization.Encoding.DER, spki) == (
        key.public_bytes(serialization.Encoding.DER, spki)
    )


async def test_structure_file_needs_credentials(ms: MiniserverSimulator) -> None:
    status, _ = await _get(ms, "data/LoxAPP3.json")
    assert status == 401
    wrong = "Basic " + base64.b64encode(b"admin:nope").decode()
    assert (await _get(ms, "data/LoxAPP3.json", headers={"Authorization": wrong}))[0] == 401
    right = "Basic " + base64.b64encode(b"admin:admin").decode()
    status, body = await _get(ms, "data/LoxAPP3.json", headers={"Authorization": right})
    assert status == 200
    assert json.loads(body) == ms.structure


async def test_http_fenc_token_request_and_autht_command(ms: MiniserverSimulator) -> None:
    value = json.loads((await _get(ms, "jdev/sys/getPublicKey"))[1])["LL"]["value"]
    public_key = load_public_key(value)
    key, iv = os.urandom(32), os.urandom(16)
    session_key = quote(rsa_session_key(public_key, key, iv), safe="")

    async def fenc(command: str) -> dict[str, object]:
        cipher = quote(aes_encrypt(key, iv, f"salt/{os.urandom(2).hex()}/{command}"), safe="")
        status, body = await _get(ms, f"jdev/sys/fenc/{cipher}?sk={session_key}")
        assert status == 200
        return json.loads(aes_decrypt(key, iv, body))["LL"]  # type: ignore[no-any-return]

    salts = (await fenc("jdev/sys/getkey2/admin"))["value"]
    assert isinstance(salts, dict)
    pw_hash = sha_upper(f"admin:{salts['salt']}")
    token_hash = hmac_hex(salts["key"], f"admin:{pw_hash}")
    answer = await fenc(
        f"jdev/sys/getjwt/{token_hash}/admin/4/098802e1-02b4-603c-ffffeee000d80cfd/http"
    )
    assert answer["code"] == 200
    token = answer["value"]["token"]  # type: ignore[index]
    one_time = json.loads((await _get(ms, "jdev/sys/getkey"))[1])["LL"]["value"]
    switch = ms.control_data(uid("hall.switch"))
    assert switch is not None
    query = f"autht={hmac_hex(one_time, token)}&user=admin"
    status, body = await _get(ms, f"jdev/sps/io/{switch['uuidAction']}/on?{query}")
    assert status == 200
    assert json.loads(body)["LL"]["Code"] == "200"
    assert ms.values[switch["states"]["active"]] == 1.0
    assert (await _get(ms, f"jdev/sps/io/{switch['uuidAction']}/off"))[0] == 401
