import json

import pytest

from searchapi import didyoumean

pytestmark = pytest.mark.engine


async def test_debug(api, catalogue, engine):
    for q in ["nguyen duu"]:
        body = {"size": 0, "suggest": didyoumean.suggest_body(q)}
        r = await engine.search(index=f"{catalogue.prefix}-union", body=body)
        print(json.dumps(r["suggest"], ensure_ascii=False))
        c = didyoumean.corrections(q, r["suggest"])
        print(c)
        r2 = await engine.search(index=f"{catalogue.prefix}-union", body=didyoumean.spelling_body(c))
        print(json.dumps(r2["hits"], ensure_ascii=False)[:3000])
