import assert from "node:assert/strict";
import {
  colourMatches,
  mentionsColour,
  normaliseColour,
  stripColour,
} from "./colour.ts";

Deno.test("normaliseColour() keeps the first colour phrase of a catalogue value", () => {
  const cases: [string, string | null][] = [
    ["White", "white"],
    ["White,backaryd white", "white"],
    ["Black-brown,lury", "black-brown"],
    ["Nolhaga dark grey", "dark grey"],
    ["Silver-colour", "silver"],
    ["In,outdoor,off-white", "off-white"],
    ["High-gloss white", "white"],
    ["Light Gray", "light grey"],
    ["Birch,broringe chrome-plated", null],
    ["Stainless steel", null],
    ["Assorted colours", null],
    ["", null],
  ];
  for (const [value, want] of cases) {
    assert.equal(normaliseColour(value), want, value);
  }
});

Deno.test("colourMatches() accepts a product colour holding every query colour word", () => {
  assert.ok(colourMatches("grey", "dark grey"));
  assert.ok(colourMatches("grey", "grey-green"));
  assert.ok(colourMatches("white", "white"));
  assert.ok(!colourMatches("dark grey", "grey"));
  assert.ok(!colourMatches("white", "black"));
  assert.ok(colourMatches("gray", "grey"));
});

Deno.test("mentionsColour() looks for whole words", () => {
  assert.ok(mentionsColour("RIBBA Frame, White, 23 cm", "white"));
  assert.ok(mentionsColour("Sofa, dark-grey", "dark grey"));
  assert.ok(!mentionsColour("Blackboard, 40 cm", "black"));
  assert.ok(!mentionsColour("Rug, grey", "dark grey"));
});

Deno.test("stripColour() removes the colour field and colour words from a title", () => {
  const cases: [string, string, string][] = [
    [
      "OPPEBY Table, White,backaryd white, 185x90 cm",
      "White,backaryd white",
      "OPPEBY Table, 185x90 cm",
    ],
    ["INGOLF Stool, White", "White", "INGOLF Stool"],
    [
      "MALM Bed frame, high, Black-brown,lury, 160x200 cm",
      "Black-brown,lury",
      "MALM Bed frame, high, 160x200 cm",
    ],
    // not a separate field: the colour words go, the rest stays
    ["White oak shelf, 80 cm", "White", "oak shelf, 80 cm"],
    ["Grey-brown chair", "Grey-brown", "chair"],
  ];
  for (const [title, colour, want] of cases) {
    const got = stripColour(title, colour);
    assert.equal(got, want, title);
    const phrase = normaliseColour(colour);
    assert.ok(phrase && !mentionsColour(got, phrase), got);
  }
});
