/**
 * Attribute vocabularies of the synthetic catalogue: colours (with variants and
 * families), patterns, materials, genders, brands and title filler words.
 * Words listed under `heldOut` appear only in the "unseen" split.
 */

/** A colour: canonical name, surface variants, family and rendering RGB. */
export interface ColourDef {
  /** Canonical colour id. */
  readonly id: string;
  /** Basic colour a shopper may search for instead ("navy" belongs to "blue"). */
  readonly family: string;
  /** Surface forms used in titles and queries; the first is the canonical name. */
  readonly names: readonly string[];
  /** Surface forms used only in the unseen split. */
  readonly heldOut: readonly string[];
  /** RGB used when rendering. */
  readonly rgb: readonly [number, number, number];
}

const c = (
  id: string,
  family: string,
  names: string[],
  heldOut: string[],
  rgb: [number, number, number],
): ColourDef => ({ id, family, names: [id, ...names], heldOut, rgb });

/** 27 colours. */
export const COLOURS: readonly ColourDef[] = [
  c("red", "red", ["bright red"], ["crimson"], [208, 28, 36]),
  c("burgundy", "red", ["maroon", "wine red"], ["oxblood"], [112, 22, 42]),
  c("pink", "pink", ["light pink", "pastel pink"], ["blush"], [244, 160, 190]),
  c("fuchsia", "pink", ["hot pink", "magenta"], ["cerise"], [222, 30, 150]),
  c("orange", "orange", ["bright orange"], ["tangerine"], [245, 128, 20]),
  c("coral", "orange", ["salmon"], ["peach"], [250, 120, 100]),
  c("yellow", "yellow", ["bright yellow"], ["lemon"], [250, 218, 40]),
  c("mustard", "yellow", ["mustard yellow", "ochre"], [], [204, 160, 30]),
  c("gold", "gold", ["golden"], ["gilded"], [212, 175, 55]),
  c("beige", "brown", ["nude", "sand"], ["oatmeal"], [220, 200, 165]),
  c("brown", "brown", ["dark brown", "chocolate"], ["cocoa"], [110, 66, 34]),
  c("tan", "brown", ["camel", "cognac"], [], [190, 135, 80]),
  c("green", "green", ["kelly green"], ["emerald"], [30, 150, 60]),
  c("olive", "green", ["olive green", "khaki green", "army green"], [], [
    110,
    115,
    40,
  ]),
  c("mint", "green", ["mint green", "pale green"], ["pistachio"], [
    160,
    225,
    190,
  ]),
  c("teal", "teal", ["turquoise", "aqua"], ["cyan"], [0, 140, 140]),
  c("blue", "blue", ["royal blue", "bright blue"], ["cobalt"], [30, 80, 210]),
  c("navy", "blue", ["navy blue", "dark blue", "midnight blue"], ["indigo"], [
    20,
    30,
    80,
  ]),
  c("light blue", "blue", ["sky blue", "baby blue", "pale blue"], [
    "powder blue",
  ], [140, 190, 235]),
  c("purple", "purple", ["violet"], ["plum"], [120, 40, 160]),
  c("lavender", "purple", ["lilac"], ["mauve"], [190, 165, 225]),
  c("white", "white", ["pure white", "snow white"], [], [248, 248, 248]),
  c("ivory", "white", ["cream", "off white", "off-white"], ["eggshell"], [
    240,
    232,
    205,
  ]),
  c("black", "black", ["jet black"], ["ebony"], [22, 22, 24]),
  c("grey", "grey", ["gray", "light grey", "light gray"], ["ash"], [
    150,
    150,
    152,
  ]),
  c("charcoal", "grey", ["dark grey", "dark gray"], ["gunmetal"], [62, 64, 68]),
  c("silver", "grey", ["metallic silver"], ["chrome"], [192, 194, 200]),
];

/** A pattern with its surface forms. */
export interface PatternDef {
  /** Canonical pattern id. */
  readonly id: string;
  /** Surface forms used in titles and queries. */
  readonly names: readonly string[];
  /** Surface forms used only in the unseen split. */
  readonly heldOut: readonly string[];
}

/** Patterns; "solid" is the default and is rarely written in titles. */
export const PATTERNS: readonly PatternDef[] = [
  { id: "solid", names: ["solid", "plain", "solid colour"], heldOut: [] },
  {
    id: "striped",
    names: ["striped", "stripes", "stripe"],
    heldOut: ["pinstripe"],
  },
  {
    id: "polka dot",
    names: ["polka dot", "dotted", "dots"],
    heldOut: ["spotted"],
  },
  {
    id: "check",
    names: ["check", "plaid", "checked", "gingham"],
    heldOut: ["tartan"],
  },
  {
    id: "floral",
    names: ["floral", "flower print", "flowers"],
    heldOut: ["botanical"],
  },
  {
    id: "leopard",
    names: ["leopard print", "leopard", "animal print"],
    heldOut: ["cheetah"],
  },
];

/** A gender target with its surface forms. */
export interface GenderDef {
  /** Canonical gender id. */
  readonly id: string;
  /** Surface forms used in queries. */
  readonly names: readonly string[];
  /** Surface forms used in titles. */
  readonly titleNames: readonly string[];
}

/** Genders; "unisex" products satisfy "women" and "men" queries too. */
export const GENDERS: readonly GenderDef[] = [
  {
    id: "women",
    names: ["women", "womens", "ladies"],
    titleNames: ["Women's", "Womens", "Ladies", "Women"],
  },
  { id: "men", names: ["men", "mens"], titleNames: ["Men's", "Mens", "Men"] },
  {
    id: "kids",
    names: ["kids", "children"],
    titleNames: ["Kids", "Children's", "Boys Girls"],
  },
  { id: "unisex", names: ["unisex"], titleNames: ["Unisex", "Men Women"] },
];

/** Materials and their surface forms. */
export const MATERIALS: Readonly<Record<string, readonly string[]>> = {
  cotton: ["cotton", "100% cotton"],
  linen: ["linen"],
  silk: ["silk", "satin silk"],
  wool: ["wool", "merino wool"],
  cashmere: ["cashmere"],
  denim: ["denim"],
  polyester: ["polyester"],
  leather: ["leather", "genuine leather", "pu leather"],
  suede: ["suede"],
  canvas: ["canvas"],
  nylon: ["nylon"],
  mesh: ["mesh", "breathable mesh"],
  rubber: ["rubber"],
  plastic: ["plastic"],
  metal: ["metal", "stainless steel"],
  aluminium: ["aluminium", "aluminum"],
  glass: ["glass"],
  ceramic: ["ceramic", "porcelain"],
  wood: ["wood", "wooden", "solid wood"],
  velvet: ["velvet"],
};

/** Brand pools by category group; unseen brands never appear outside the unseen split. */
export const BRANDS: Readonly<
  Record<string, { seen: readonly string[]; unseen: readonly string[] }>
> = {
  style: {
    seen: [
      "Velora",
      "Nordhaus",
      "Kestrel",
      "Amarelle",
      "Lunaria",
      "Brixton Lane",
      "Solenne",
      "Marlowe",
      "Tavira",
      "Odessa Rose",
      "Urbanik",
      "Feyra",
      "Calderon",
      "Mivano",
      "Rustique",
      "Halden",
      "Zefiro",
      "Quillon",
      "Bellacourt",
      "Sorrento Bay",
    ],
    unseen: ["Vantor", "Elspeth", "Corvanne", "Ysolde", "Tamberlin", "Quorra"],
  },
  tech: {
    seen: [
      "Voltiq",
      "Nexora",
      "Pixelon",
      "Auralis",
      "Kyntra",
      "Orbitek",
      "Soniq",
      "Lumetra",
      "Trionyx",
      "Zentara",
    ],
    unseen: ["Quantrel", "Vexabyte", "Hollix", "Nuvemark"],
  },
  home: {
    seen: [
      "Casavella",
      "Hearthwell",
      "Linden & Co",
      "Maisonet",
      "Oakridge Home",
      "Potterly",
      "Nestwood",
      "Claybourne",
    ],
    unseen: ["Fjordhem", "Terravine", "Ashcombe"],
  },
  beauty: {
    seen: ["Glowelle", "Rosiere", "Pureva", "Belmonde", "Lustra", "Aurelie"],
    unseen: ["Veluxe", "Sablière", "Miradora"],
  },
  sport: {
    seen: [
      "Stridex",
      "Peakform",
      "Velocity Pro",
      "Ironclad",
      "Tempo Athletics",
      "Summitra",
      "Kinetiq",
    ],
    unseen: ["Raptorix", "Endurant", "Skyvault"],
  },
};

/** Marketing words used as title noise. */
export const MARKETING: readonly string[] = [
  "New",
  "2024",
  "2025",
  "Hot Sale",
  "Premium",
  "Fashion",
  "Free Shipping",
  "Best Seller",
  "Trendy",
  "High Quality",
  "Luxury",
  "Classic",
  "Limited Edition",
  "Gift",
  "Original",
  "Top Rated",
  "Official",
  "Clearance",
  "Upgraded",
  "Deluxe",
  "Essential",
  "Lightweight",
  "Soft",
  "Durable",
  "Stylish",
];

/** Occasion and season words used as title stuffing. */
export const OCCASIONS: readonly string[] = [
  "for Party",
  "Wedding",
  "Beach",
  "Office",
  "Casual",
  "Summer",
  "Winter",
  "Spring",
  "Autumn",
  "Holiday",
  "Travel",
  "Daily",
  "Work",
  "Outdoor",
  "Birthday Gift",
  "Christmas",
];
