/**
 * The 61 product types of the synthetic catalogue: category, surface names (singular,
 * plural, synonyms), allowed genders, materials, colours and title size strings.
 */

/** Product categories. */
export type Category =
  | "fashion"
  | "shoes"
  | "bags"
  | "accessories"
  | "electronics"
  | "home"
  | "beauty"
  | "sports";

/** One product type. Its `id` is also the key of its silhouette. */
export interface ProductTypeDef {
  /** Canonical type id. */
  readonly id: string;
  /** Category of the type. */
  readonly category: Category;
  /** Key into BRANDS. */
  readonly brandGroup: string;
  /** Surface names used in titles and queries; the first is the canonical name. */
  readonly names: readonly string[];
  /** Names used only in the unseen split. */
  readonly heldOut: readonly string[];
  /** Genders the type is sold for. */
  readonly genders: readonly string[];
  /** Material ids the type is made of. */
  readonly materials: readonly string[];
  /** Whether the type takes patterns other than "solid". */
  readonly patterned: boolean;
  /** Allowed colour ids; empty means every colour. */
  readonly colours: readonly string[];
  /** Size strings used in titles. */
  readonly sizes: readonly string[];
  /** Descriptive words used in titles. */
  readonly descriptors: readonly string[];
}

type Row = [
  id: string,
  category: Category,
  names: string[],
  heldOut: string[],
  genders: string[],
  materials: string[],
  patterned: boolean,
  colours: string[],
  sizes: string[],
  descriptors: string[],
];

const GROUP: Record<Category, string> = {
  fashion: "style",
  shoes: "style",
  bags: "style",
  accessories: "style",
  electronics: "tech",
  home: "home",
  beauty: "beauty",
  sports: "sport",
};

// deno-fmt-ignore
const ROWS: Row[] = [
  ["t-shirt", "fashion", ["t-shirt", "t-shirts", "tee", "tees", "tshirt"], ["jersey"], ["women", "men", "kids", "unisex"], ["cotton", "polyester", "linen"], true, [], ["Size S M L XL", "S-XXL", "Plus Size", "Size M", "XS-3XL", "One Size"], ["Short Sleeve", "Crew Neck", "Oversized", "Graphic"]],
  ["shirt", "fashion", ["shirt", "shirts", "button down shirt", "blouse"], ["button-up"], ["women", "men", "kids", "unisex"], ["cotton", "linen", "silk", "polyester"], true, [], ["Size S M L XL", "S-XXL", "Plus Size", "Size M", "XS-3XL", "One Size"], ["Long Sleeve", "Slim Fit", "Button Down", "Formal"]],
  ["dress", "fashion", ["dress", "dresses", "maxi dress", "midi dress"], ["frock", "sundress"], ["women", "kids"], ["cotton", "silk", "polyester", "linen", "velvet"], true, [], ["Size S M L XL", "S-XXL", "Plus Size", "Size M", "XS-3XL", "One Size"], ["Sleeveless", "A-Line", "Bodycon", "Evening", "Wrap"]],
  ["skirt", "fashion", ["skirt", "skirts", "mini skirt"], ["kilt"], ["women", "kids"], ["cotton", "denim", "polyester", "leather"], true, [], ["Size S M L XL", "S-XXL", "Plus Size", "Size M", "XS-3XL", "One Size"], ["Pleated", "High Waist", "A-Line"]],
  ["jeans", "fashion", ["jeans", "denim jeans", "denim pants"], ["dungarees"], ["women", "men", "kids", "unisex"], ["denim"], false, ["blue", "navy", "light blue", "black", "grey", "white"], ["W28-W38", "Size 32", "Slim Fit 30-36"], ["Skinny", "Straight Leg", "Ripped", "Stretch"]],
  ["trousers", "fashion", ["trousers", "pants", "chinos"], ["slacks"], ["women", "men", "kids", "unisex"], ["cotton", "linen", "wool", "polyester"], true, [], ["Size S M L XL", "S-XXL", "Plus Size", "Size M", "XS-3XL", "One Size"], ["Wide Leg", "Tapered", "Cargo", "Formal"]],
  ["shorts", "fashion", ["shorts", "short pants"], ["bermudas"], ["women", "men", "kids", "unisex"], ["cotton", "denim", "linen", "polyester"], true, [], ["Size S M L XL", "S-XXL", "Plus Size", "Size M", "XS-3XL", "One Size"], ["Summer", "Running", "Board"]],
  ["hoodie", "fashion", ["hoodie", "hoodies", "hooded sweatshirt"], ["hoody"], ["women", "men", "kids", "unisex"], ["cotton", "polyester", "wool"], true, [], ["Size S M L XL", "S-XXL", "Plus Size", "Size M", "XS-3XL", "One Size"], ["Zip Up", "Fleece Lined", "Oversized"]],
  ["sweater", "fashion", ["sweater", "sweaters", "jumper", "pullover"], ["cardigan"], ["women", "men", "kids", "unisex"], ["wool", "cashmere", "cotton"], true, [], ["Size S M L XL", "S-XXL", "Plus Size", "Size M", "XS-3XL", "One Size"], ["Knitted", "Turtleneck", "Cable Knit", "V-Neck"]],
  ["jacket", "fashion", ["jacket", "jackets", "bomber jacket"], ["anorak"], ["women", "men", "kids", "unisex"], ["leather", "denim", "nylon", "polyester", "suede"], true, [], ["Size S M L XL", "S-XXL", "Plus Size", "Size M", "XS-3XL", "One Size"], ["Waterproof", "Windbreaker", "Biker", "Puffer"]],
  ["coat", "fashion", ["coat", "coats", "overcoat", "trench coat"], ["parka"], ["women", "men", "kids", "unisex"], ["wool", "cashmere", "polyester"], true, [], ["Size S M L XL", "S-XXL", "Plus Size", "Size M", "XS-3XL", "One Size"], ["Long", "Double Breasted", "Warm Winter"]],
  ["scarf", "fashion", ["scarf", "scarves", "shawl"], ["muffler"], ["women", "men", "kids", "unisex"], ["wool", "cashmere", "silk", "cotton"], true, [], ["180x70cm", "One Size"], ["Warm", "Long", "Wrap"]],
  ["hat", "fashion", ["hat", "hats", "sun hat", "fedora"], ["bowler"], ["women", "men", "kids", "unisex"], ["wool", "cotton", "linen"], true, [], ["One Size", "57cm"], ["Wide Brim", "Panama", "Bucket"]],
  ["cap", "fashion", ["cap", "caps", "baseball cap"], ["snapback"], ["women", "men", "kids", "unisex"], ["cotton", "polyester", "nylon"], true, [], ["Adjustable", "One Size"], ["Snap Back", "Trucker", "Embroidered"]],
  ["socks", "fashion", ["socks", "sock", "ankle socks"], ["hosiery"], ["women", "men", "kids", "unisex"], ["cotton", "wool", "nylon"], true, [], ["5 Pairs", "10 Pack", "EU 39-42"], ["Crew", "Athletic", "No Show"]],
  ["sneakers", "shoes", ["sneakers", "sneaker", "running shoes", "trainers"], ["kicks"], ["women", "men", "kids", "unisex"], ["canvas", "leather", "mesh", "suede"], false, [], ["EU 36-45", "US 7-12", "Size 39", "UK 5-11", "Size 42"], ["Running", "Lace Up", "Platform", "Walking", "Athletic"]],
  ["boots", "shoes", ["boots", "boot", "ankle boots"], ["wellies"], ["women", "men", "kids", "unisex"], ["leather", "suede", "rubber"], false, [], ["EU 36-45", "US 7-12", "Size 39", "UK 5-11", "Size 42"], ["Chelsea", "Combat", "Winter", "Knee High"]],
  ["sandals", "shoes", ["sandals", "sandal", "flip flops"], ["espadrilles"], ["women", "men", "kids", "unisex"], ["leather", "rubber", "canvas"], false, [], ["EU 36-45", "US 7-12", "Size 39", "UK 5-11", "Size 42"], ["Summer", "Flat", "Strappy", "Beach"]],
  ["heels", "shoes", ["heels", "high heels", "pumps"], ["stilettos"], ["women"], ["leather", "suede", "velvet"], false, [], ["EU 36-45", "US 7-12", "Size 39", "UK 5-11", "Size 42"], ["Pointed Toe", "Block Heel", "Party"]],
  ["loafers", "shoes", ["loafers", "loafer", "slip on shoes"], ["moccasins"], ["women", "men", "unisex"], ["leather", "suede"], false, [], ["EU 36-45", "US 7-12", "Size 39", "UK 5-11", "Size 42"], ["Penny", "Driving", "Casual"]],
  ["slippers", "shoes", ["slippers", "slipper", "house shoes"], ["mules"], ["women", "men", "kids", "unisex"], ["wool", "velvet", "cotton"], true, [], ["EU 36-45", "US 7-12", "Size 39", "UK 5-11", "Size 42"], ["Fluffy", "Indoor", "Memory Foam"]],
  ["handbag", "bags", ["handbag", "handbags", "purse", "shoulder bag"], ["satchel"], ["women"], ["leather", "suede", "canvas", "velvet"], true, [], ["Medium", "Large", "30x20cm"], ["Crossbody", "Top Handle", "Designer"]],
  ["backpack", "bags", ["backpack", "backpacks", "school bag"], ["rucksack"], ["women", "men", "kids", "unisex"], ["nylon", "canvas", "leather", "polyester"], true, [], ["20L", "30L", "15.6 inch Laptop"], ["Travel", "Waterproof", "Anti Theft", "School"]],
  ["tote bag", "bags", ["tote bag", "tote", "shopping bag"], ["carryall"], ["women", "unisex"], ["canvas", "cotton", "leather"], true, [], ["Large", "40x35cm"], ["Reusable", "Beach", "Shopper"]],
  ["suitcase", "bags", ["suitcase", "suitcases", "luggage", "trolley case"], ["valise"], ["unisex"], ["plastic", "aluminium", "polyester"], false, ["black", "white", "silver", "gold", "grey", "brown", "tan", "navy", "blue", "red", "pink", "green"], ["20 inch", "24 inch", "28 inch Cabin"], ["Hard Shell", "Spinner Wheels", "Carry On"]],
  ["watch", "accessories", ["watch", "watches", "wristwatch"], ["timepiece"], ["women", "men", "unisex"], ["metal", "leather", "rubber"], false, ["black", "white", "silver", "gold", "grey", "brown", "tan", "navy", "blue", "red", "pink", "green"], ["40mm", "42mm", "38mm"], ["Quartz", "Analog", "Waterproof", "Chronograph"]],
  ["sunglasses", "accessories", ["sunglasses", "shades"], ["sunnies"], ["women", "men", "unisex"], ["plastic", "metal"], false, ["black", "white", "silver", "gold", "grey", "brown", "tan", "navy", "blue", "red", "pink", "green"], ["UV400", "Polarized"], ["Aviator", "Retro", "Oversized", "Polarized"]],
  ["belt", "accessories", ["belt", "belts", "waist belt"], ["cummerbund"], ["women", "men", "unisex"], ["leather", "canvas"], false, ["black", "white", "silver", "gold", "grey", "brown", "tan", "navy", "blue", "red", "pink", "green"], ["110cm", "Adjustable"], ["Casual", "Dress", "Reversible"]],
  ["wallet", "accessories", ["wallet", "wallets", "card holder"], ["billfold"], ["women", "men", "unisex"], ["leather", "canvas", "nylon"], false, ["black", "white", "silver", "gold", "grey", "brown", "tan", "navy", "blue", "red", "pink", "green"], ["Slim", "RFID"], ["Bifold", "RFID Blocking", "Slim"]],
  ["necklace", "accessories", ["necklace", "necklaces", "pendant"], ["choker"], ["women", "unisex"], ["metal", "glass"], false, ["gold", "silver", "black", "pink", "red", "blue", "green", "white"], ["45cm Chain"], ["Pendant", "Layered", "Charm"]],
  ["phone", "electronics", ["phone", "smartphone", "mobile phone", "cell phone"], ["handset"], ["unisex"], ["plastic", "glass", "aluminium"], false, ["black", "white", "silver", "grey", "charcoal", "gold", "blue", "navy", "pink", "red", "green", "purple"], ["128GB", "256GB", "6.5 inch"], ["5G", "Dual SIM", "Unlocked", "Android"]],
  ["laptop", "electronics", ["laptop", "laptops", "notebook computer"], ["ultrabook"], ["unisex"], ["aluminium", "plastic"], false, ["black", "white", "silver", "grey", "charcoal", "gold", "blue", "navy", "pink", "red", "green", "purple"], ["15.6 inch", "14 inch", "16GB RAM 512GB SSD"], ["Gaming", "Thin", "Business", "Touchscreen"]],
  ["headphones", "electronics", ["headphones", "headphone", "headset", "over ear headphones"], ["cans"], ["unisex"], ["plastic", "metal", "leather"], false, ["black", "white", "silver", "grey", "charcoal", "gold", "blue", "navy", "pink", "red", "green", "purple"], ["40h Battery", "Bluetooth 5.3"], ["Wireless", "Noise Cancelling", "Foldable"]],
  ["earbuds", "electronics", ["earbuds", "earphones", "wireless earbuds"], ["in-ear monitors"], ["unisex"], ["plastic"], false, ["black", "white", "silver", "grey", "charcoal", "gold", "blue", "navy", "pink", "red", "green", "purple"], ["30h Playtime", "Bluetooth 5.3"], ["True Wireless", "Sport", "Waterproof"]],
  ["tablet", "electronics", ["tablet", "tablets", "tablet pc"], ["slate pc"], ["unisex"], ["aluminium", "plastic"], false, ["black", "white", "silver", "grey", "charcoal", "gold", "blue", "navy", "pink", "red", "green", "purple"], ["10.1 inch", "64GB", "128GB"], ["Android", "WiFi", "Kids"]],
  ["camera", "electronics", ["camera", "cameras", "digital camera"], ["camcorder"], ["unisex"], ["plastic", "metal"], false, ["black", "white", "silver", "grey", "charcoal", "gold", "blue", "navy", "pink", "red", "green", "purple"], ["24MP", "4K", "48MP"], ["Vlogging", "Compact", "Mirrorless"]],
  ["speaker", "electronics", ["speaker", "speakers", "bluetooth speaker"], ["soundbar"], ["unisex"], ["plastic", "metal"], false, ["black", "white", "silver", "grey", "charcoal", "gold", "blue", "navy", "pink", "red", "green", "purple"], ["20W", "Portable"], ["Portable", "Wireless", "Waterproof", "Bass"]],
  ["keyboard", "electronics", ["keyboard", "keyboards", "mechanical keyboard"], ["keypad"], ["unisex"], ["plastic", "aluminium"], false, ["black", "white", "silver", "grey", "charcoal", "gold", "blue", "navy", "pink", "red", "green", "purple"], ["104 Keys", "TKL", "60%"], ["RGB", "Wireless", "Gaming"]],
  ["mouse", "electronics", ["mouse", "computer mouse", "wireless mouse"], ["trackball"], ["unisex"], ["plastic"], false, ["black", "white", "silver", "grey", "charcoal", "gold", "blue", "navy", "pink", "red", "green", "purple"], ["1600 DPI", "Ergonomic"], ["Silent", "Gaming", "Rechargeable"]],
  ["lamp", "home", ["lamp", "lamps", "table lamp", "desk lamp"], ["luminaire"], ["unisex"], ["metal", "ceramic", "wood", "glass"], false, [], ["E27", "LED", "40cm"], ["Bedside", "Dimmable", "Modern", "Vintage"]],
  ["chair", "home", ["chair", "chairs", "dining chair"], ["stool seat"], ["unisex"], ["wood", "metal", "plastic", "velvet", "leather"], false, [], ["Set of 2", "45x50cm"], ["Accent", "Ergonomic", "Scandinavian"]],
  ["mug", "home", ["mug", "mugs", "coffee mug", "coffee cup"], ["tankard"], ["unisex"], ["ceramic", "glass"], true, [], ["350ml", "12oz", "Set of 4"], ["Tea", "Large", "Handmade"]],
  ["vase", "home", ["vase", "vases", "flower vase"], ["urn"], ["unisex"], ["ceramic", "glass"], true, [], ["25cm", "30cm Tall"], ["Decorative", "Minimalist", "Table"]],
  ["cushion", "home", ["cushion", "cushions", "throw pillow", "pillow"], ["bolster"], ["unisex"], ["cotton", "linen", "velvet"], true, [], ["45x45cm", "Cover Only", "Set of 2"], ["Decorative", "Sofa", "Soft"]],
  ["wall clock", "home", ["wall clock", "clock", "clocks"], ["timekeeper"], ["unisex"], ["wood", "metal", "plastic", "glass"], false, [], ["30cm", "12 inch"], ["Silent", "Modern", "Round"]],
  ["plate", "home", ["plate", "plates", "dinner plate"], ["platter"], ["unisex"], ["ceramic", "glass"], true, [], ["27cm", "Set of 6"], ["Dinnerware", "Stoneware", "Round"]],
  ["candle", "home", ["candle", "candles", "scented candle"], ["votive"], ["unisex"], ["glass"], false, [], ["200g", "40h Burn"], ["Soy Wax", "Aromatherapy", "Scented"]],
  ["teapot", "home", ["teapot", "teapots", "tea pot"], ["kettle pot"], ["unisex"], ["ceramic", "glass", "metal"], true, [], ["1L", "800ml"], ["Infuser", "Vintage", "Loose Leaf"]],
  ["lipstick", "beauty", ["lipstick", "lipsticks", "lip colour"], ["lip tint"], ["women"], ["plastic", "metal"], false, ["red", "burgundy", "pink", "fuchsia", "coral", "beige", "brown", "purple", "orange"], ["3.5g"], ["Matte", "Long Lasting", "Velvet", "Glossy"]],
  ["perfume", "beauty", ["perfume", "perfumes", "fragrance", "eau de parfum"], ["cologne"], ["women", "men", "unisex"], ["glass"], false, [], ["50ml", "100ml EDP"], ["Floral", "Woody", "Fresh", "Long Lasting"]],
  ["nail polish", "beauty", ["nail polish", "nail varnish", "nail lacquer"], ["nail enamel"], ["women"], ["glass"], false, [], ["15ml", "Set of 6"], ["Gel", "Quick Dry", "Glossy"]],
  ["hairbrush", "beauty", ["hairbrush", "hair brush", "paddle brush"], ["detangler"], ["unisex"], ["wood", "plastic"], false, [], ["Large"], ["Detangling", "Boar Bristle", "Paddle"]],
  ["face cream", "beauty", ["face cream", "moisturizer", "moisturiser", "night cream"], ["emollient"], ["women", "men", "unisex"], ["glass", "plastic"], false, [], ["50ml", "1.7oz"], ["Hydrating", "Anti Aging", "Vitamin C"]],
  ["football", "sports", ["football", "soccer ball", "footballs"], ["futbol"], ["unisex"], ["rubber", "polyester"], false, [], ["Size 5", "Size 4"], ["Training", "Match", "Official Size"]],
  ["basketball", "sports", ["basketball", "basketballs"], ["hoops ball"], ["unisex"], ["rubber", "leather"], false, ["orange", "brown", "black", "red", "blue", "white", "yellow", "green", "purple"], ["Size 7", "Size 6"], ["Indoor Outdoor", "Official", "Street"]],
  ["tennis racket", "sports", ["tennis racket", "racket", "rackets"], ["racquet"], ["unisex"], ["aluminium", "metal"], false, [], ["27 inch", "Grip 2"], ["Pro", "Lightweight", "Graphite"]],
  ["yoga mat", "sports", ["yoga mat", "exercise mat", "fitness mat"], ["pilates mat"], ["unisex"], ["rubber", "plastic"], true, [], ["6mm", "183x61cm"], ["Non Slip", "Thick", "Eco"]],
  ["dumbbell", "sports", ["dumbbell", "dumbbells", "hand weights"], ["kettlebell"], ["unisex"], ["metal", "rubber"], false, [], ["5kg", "2x10kg", "Pair"], ["Adjustable", "Hex", "Home Gym"]],
  ["water bottle", "sports", ["water bottle", "sports bottle", "drink bottle"], ["canteen"], ["unisex"], ["metal", "plastic", "glass"], false, [], ["750ml", "1L", "32oz"], ["Insulated", "Leakproof", "BPA Free"]],
  ["helmet", "sports", ["helmet", "bike helmet", "cycling helmet"], ["headgear"], ["women", "men", "kids", "unisex"], ["plastic"], false, [], ["Size M 55-59cm", "Adjustable"], ["Ventilated", "Road", "Mountain"]],
  ["skateboard", "sports", ["skateboard", "skateboards", "skate board"], ["longboard"], ["women", "men", "kids", "unisex"], ["wood"], false, [], ["31 inch", "Complete"], ["Complete", "Cruiser", "Pro"]],
];

/** All product types. */
export const PRODUCT_TYPES: readonly ProductTypeDef[] = ROWS.map((r) => ({
  id: r[0],
  category: r[1],
  brandGroup: GROUP[r[1]],
  names: r[2],
  heldOut: r[3],
  genders: r[4],
  materials: r[5],
  patterned: r[6],
  colours: r[7],
  sizes: r[8],
  descriptors: r[9],
}));

/** Category-level query words ("bag" matches every type of the bags category). */
export const CATEGORY_WORDS: Readonly<
  Partial<Record<Category, readonly string[]>>
> = {
  shoes: ["shoes", "footwear"],
  bags: ["bag", "bags"],
  electronics: ["electronics", "gadgets"],
  beauty: ["makeup", "cosmetics"],
};
