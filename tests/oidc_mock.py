"""A real OpenID Connect provider on 127.0.0.1 for the login tests (the `oidc-provider-mock` package):
its authorize form, token endpoint, JWKS and ID tokens are real; users are declared with their claims."""

from __future__ import annotations

import contextlib
import json
import os
import threading
import urllib.parse
from pathlib import Path
from typing import Iterator

import pytest

CLIENT_ID, CLIENT_SECRET = "nhanrong", "bi-mat-thu-nghiem"

USERS = {
    "hoa": {"name": "Nguyễn Thị Hoa", "email": "hoa@vanyen.yenbai.gov.vn", "groups": ["van-yen"]},
    "lan": {"name": "Trần Thị Lan", "email": "lan@stttt.yenbai.gov.vn", "groups": ["so-tttt"]},
    "la": {"name": "Người Lạ", "email": "la@example.vn", "groups": []},
}


@contextlib.contextmanager
def oidc_provider() -> Iterator[str]:
    """Start the provider on 127.0.0.1 (a free port) in a thread; yield its issuer URL."""
    mock = pytest.importorskip("oidc_provider_mock")
    from werkzeug.serving import make_server

    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on loopback, for the test only
    users = [mock.User(sub=sub, claims=claims) for sub, claims in USERS.items()]
    server = make_server("127.0.0.1", 0, mock.app(user_claims=users, require_nonce=False), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def write_secrets(path: Path, issuer: str, redirect_uri: str = "http://127.0.0.1:{port}/oauth2callback") -> Path:
    """The server's secrets.toml: Streamlit's [auth] section pointing at the provider (never committed)."""
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "{redirect_uri}"\n'
        f'cookie_secret = "{"k" * 40}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n', encoding="utf-8")
    return path


def login_claims(issuer: str, sub: str, redirect_uri: str = "http://127.0.0.1:9/oauth2callback") -> dict:
    """Log ``sub`` in through the provider's authorization-code flow over HTTP and return the ID token's
    claims, verified against the provider's keys: what st.user holds after st.login."""
    import requests
    from authlib.jose import JsonWebKey, jwt

    meta = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
    params = {"client_id": CLIENT_ID, "redirect_uri": redirect_uri, "response_type": "code",
              "scope": "openid email profile", "state": "st", "nonce": "n-1"}
    form = requests.get(meta["authorization_endpoint"], params=params, timeout=10)
    assert form.status_code == 200 and 'name="sub"' in form.text
    answer = requests.post(form.url, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answer.status_code in (302, 303), answer.text[:500]
    query = urllib.parse.parse_qs(urllib.parse.urlparse(answer.headers["Location"]).query)
    assert query["state"] == ["st"]
    token = requests.post(meta["token_endpoint"], data={"grant_type": "authorization_code", "code": query["code"][0],
                                                        "redirect_uri": redirect_uri},
                          auth=(CLIENT_ID, CLIENT_SECRET), timeout=10).json()
    keys = JsonWebKey.import_key_set(requests.get(meta["jwks_uri"], timeout=10).json())
    claims = jwt.decode(token["id_token"], keys)
    claims.validate()
    assert claims["iss"] == issuer and claims["aud"] in (CLIENT_ID, [CLIENT_ID])
    return json.loads(json.dumps(dict(claims)))
