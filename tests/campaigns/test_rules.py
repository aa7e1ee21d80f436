"""Tracking rules: what each kind matches in a caption, and the messages for malformed rules."""

import pytest

from intel.campaigns.rules import Rule, matching_rule, normalise
from intel.errors import IntelError


def rule(kind: str, raw: str, rule_id: int = 1) -> Rule:
    return Rule(rule_id, kind, normalise(kind, raw))


@pytest.mark.parametrize(("kind", "raw", "caption", "matches"), [
    ("hashtag", "#GlowSummer", "Loving it #glowsummer #ad", True),
    ("hashtag", "GlowSummer", "Loving it #GlowSummerSale", False),  # a longer tag is another tag
    ("hashtag", "#verão", "praia #Verão ☀️", True),  # tags in any script, case-folded
    ("mention", "@Glow.Beauty", "with @glow.beauty.", True),  # a sentence's full stop is not part of it
    ("mention", "@glow", "with @glowbeauty", False),
    ("promo_code", "SOFIA20", "code sofia20 at checkout", True),
    ("promo_code", "SOFIA20", "code SOFIA2000", False),
    ("url", "https://www.glow.example/offer", "link: glow.example/offer/sofia?utm=ig", True),
    ("url", "glow.example/offer", "see https://glow.example/offers", False),  # another path
    ("url", "glow.example/offer", "see https://glow.example/offer.", True),
    ("post_id", "vid-42", "anything", False),
])
def test_each_rule_kind_matches_what_an_agent_would_expect(kind, raw, caption, matches):
    assert (matching_rule([rule(kind, raw)], caption, "vid-1") is not None) is matches


def test_a_post_id_rule_matches_that_post_only():
    rules = [rule("post_id", " vid-42 ")]
    assert matching_rule(rules, "", "vid-42") == rules[0]
    assert matching_rule(rules, "", "vid-420") is None


def test_the_first_rule_by_id_wins_when_several_match():
    rules = [rule("promo_code", "SOFIA20", 7), rule("hashtag", "glow", 3)]
    assert matching_rule(rules, "#glow code SOFIA20", "p").id == 3


@pytest.mark.parametrize(("kind", "raw"), [
    ("hashtag", "#"), ("hashtag", "two words"), ("mention", "@"), ("promo_code", "a b"), ("url", "not a link"),
    ("colour", "red"), ("post_id", "   "),
])
def test_a_malformed_rule_gets_a_clear_message(kind, raw):
    with pytest.raises(IntelError):
        normalise(kind, raw)
