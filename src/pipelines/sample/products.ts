/**
 * The two shops' products and SKUs. Story 1 (a dress that runs small) and story 2 (defective SKUs)
 * are parameters of the products they concern.
 */
import type {Product, Sku} from "./catalog.js";
import type {Random} from "./random.js";

const SIZE_WEIGHT: Record<string, number> = {S: 0.7, M: 1, L: 0.9, XL: 0.55, XXL: 0.3, "2XL": 0.3, 均码: 1};
const COLOUR_WEIGHT = [1, 0.7, 0.45];

export interface ProductSpec {
  style: string;
  name: string;
  category: string;
  price: number;
  cost: number;
  popularity: number;
  returnMultiplier: number;
  colours: readonly (readonly [string, string])[];
  sizes: readonly string[];
  smallSizes?: readonly string[];
  smallSizeExtra?: number;
  defective?: readonly string[];
}

/** Story 1 (修身连衣裙 runs small) and story 2 (defective knit and tee SKUs) are set here. */
export const LIVE_PRODUCTS: readonly ProductSpec[] = [
  {
    style: "LS2401",
    name: "法式修身连衣裙女秋冬新款收腰显瘦长裙",
    category: "连衣裙",
    price: 199,
    cost: 72,
    popularity: 1.6,
    returnMultiplier: 0.5,
    colours: [
      ["黑色", "BK"],
      ["酒红色", "WR"],
      ["杏色", "AP"],
    ],
    sizes: ["S", "M", "L", "XL"],
    smallSizes: ["S", "M"],
    smallSizeExtra: 0.36,
  },
  {
    style: "LS2402",
    name: "软糯针织开衫女宽松慵懒风毛衣外套",
    category: "针织衫",
    price: 159,
    cost: 55,
    popularity: 1.3,
    returnMultiplier: 1,
    colours: [
      ["米白色", "CW"],
      ["灰色", "GY"],
      ["黑色", "BK"],
    ],
    sizes: ["S", "M", "L", "XL"],
    defective: ["LS2402-GY-M", "LS2402-GY-L"],
  },
  {
    style: "LS2403",
    name: "双面羊绒大衣女中长款高端羊毛呢外套",
    category: "大衣",
    price: 1299,
    cost: 520,
    popularity: 0.45,
    returnMultiplier: 0.95,
    colours: [
      ["驼色", "CM"],
      ["黑色", "BK"],
    ],
    sizes: ["S", "M", "L", "XL", "2XL"],
  },
  {
    style: "LS2404",
    name: "高腰阔腿牛仔裤女垂感显瘦拖地裤",
    category: "牛仔裤",
    price: 129,
    cost: 41,
    popularity: 1,
    returnMultiplier: 1.1,
    colours: [
      ["浅蓝色", "LB"],
      ["深蓝色", "DB"],
    ],
    sizes: ["S", "M", "L", "XL", "XXL"],
  },
  {
    style: "LS2405",
    name: "【直播专享】<script>alert(1)</script>法式碎花半身裙",
    category: "半身裙",
    price: 89.9,
    cost: 28,
    popularity: 0.7,
    returnMultiplier: 1,
    colours: [
      ["碎花", "FL"],
      ["黑色", "BK"],
    ],
    sizes: ["S", "M", "L", "XL"],
  },
  {
    style: "LS2406",
    name: "纯棉圆领短袖T恤女宽松百搭上衣",
    category: "T恤",
    price: 59.9,
    cost: 16,
    popularity: 1.4,
    returnMultiplier: 0.85,
    colours: [
      ["白色", "WH"],
      ["黑色", "BK"],
      ["粉色", "PK"],
    ],
    sizes: ["S", "M", "L", "XL", "XXL"],
    defective: ["LS2406-WH-M"],
  },
  {
    style: "LS2407",
    name: "轻薄羽绒服女短款立领白鸭绒外套",
    category: "羽绒服",
    price: 399,
    cost: 150,
    popularity: 0.6,
    returnMultiplier: 1,
    colours: [
      ["黑色", "BK"],
      ["奶白色", "CR"],
    ],
    sizes: ["S", "M", "L", "XL", "2XL"],
  },
  {
    style: "LS2408",
    name: "羊毛混纺围巾女冬季保暖披肩",
    category: "围巾",
    price: 79,
    cost: 22,
    popularity: 0.5,
    returnMultiplier: 0.55,
    colours: [
      ["驼色", "CM"],
      ["灰色", "GY"],
      ["红色", "RD"],
    ],
    sizes: ["均码"],
  },
  {
    style: "LS2409",
    name: "加绒高腰打底裤女外穿显瘦",
    category: "打底裤",
    price: 49.9,
    cost: 14,
    popularity: 0.8,
    returnMultiplier: 0.8,
    colours: [
      ["黑色", "BK"],
      ["灰色", "GY"],
    ],
    sizes: ["M", "L", "XL"],
  },
];

export const BASICS_PRODUCTS: readonly ProductSpec[] = [
  {
    style: "BS2201",
    name: "基础款纯棉T恤 Tee & Polo 同款面料",
    category: "T恤",
    price: 39.9,
    cost: 12,
    popularity: 1.5,
    returnMultiplier: 1,
    colours: [
      ["白色", "WH"],
      ["黑色", "BK"],
      ["灰色", "GY"],
    ],
    sizes: ["S", "M", "L", "XL", "XXL"],
  },
  {
    style: "BS2202",
    name: "莫代尔打底衫女长袖修身内搭",
    category: "打底衫",
    price: 49.9,
    cost: 15,
    popularity: 1,
    returnMultiplier: 1,
    colours: [
      ["黑色", "BK"],
      ["白色", "WH"],
    ],
    sizes: ["S", "M", "L", "XL"],
  },
  {
    style: "BS2203",
    name: "高腰纯棉内裤女三条装",
    category: "内裤",
    price: 29.9,
    cost: 8,
    popularity: 1.2,
    returnMultiplier: 0.7,
    colours: [
      ["肤色", "NU"],
      ["混色", "MX"],
    ],
    sizes: ["M", "L", "XL", "XXL"],
  },
  {
    style: "BS2204",
    name: "中筒棉袜五双装",
    category: "袜子",
    price: 19.9,
    cost: 5,
    popularity: 1.1,
    returnMultiplier: 0.6,
    colours: [
      ["黑色", "BK"],
      ["混色", "MX"],
    ],
    sizes: ["均码"],
  },
  {
    style: "BS2205",
    name: "加厚保暖秋衣秋裤套装",
    category: "保暖内衣",
    price: 89,
    cost: 30,
    popularity: 0.8,
    returnMultiplier: 1.2,
    colours: [
      ["黑色", "BK"],
      ["藏青色", "NV"],
    ],
    sizes: ["M", "L", "XL", "2XL"],
  },
  {
    style: "BS2206",
    name: "100%羊毛基础款针织开衫",
    category: "针织衫",
    price: 1068,
    cost: 410,
    popularity: 0.3,
    returnMultiplier: 1.3,
    colours: [
      ["燕麦色", "OT"],
      ["黑色", "BK"],
    ],
    sizes: ["S", "M", "L", "XL"],
  },
];

export function buildProducts(random: Random, specs: readonly ProductSpec[], used: Set<string>): Product[] {
  return specs.map((spec) => {
    const id = uniqueDigits(random, "3", 19, used);
    const defective = new Set(spec.defective ?? []);
    const skus: Sku[] = [];
    spec.colours.forEach(([colour, colourCode], colourIndex) => {
      for (const size of spec.sizes) {
        const code = `${spec.style}-${colourCode}-${size}`;
        skus.push({
          code,
          productId: id,
          style: spec.style,
          colour,
          colourCode,
          size,
          weight: (COLOUR_WEIGHT[colourIndex] ?? 0.3) * (SIZE_WEIGHT[size] ?? 0.5),
          defective: defective.has(code),
        });
      }
    });
    for (const code of defective) {
      if (!skus.some((sku) => sku.code === code))
        throw new Error(`catalog: defective SKU ${code} not in ${spec.style}`);
    }
    return {
      id,
      style: spec.style,
      name: spec.name,
      category: spec.category,
      priceFen: Math.round(spec.price * 100),
      costFen: Math.round(spec.cost * 100),
      popularity: spec.popularity,
      returnMultiplier: spec.returnMultiplier,
      smallSizes: spec.smallSizes ?? [],
      smallSizeExtra: spec.smallSizeExtra ?? 0,
      skus,
    };
  });
}

function uniqueDigits(random: Random, prefix: string, length: number, used: Set<string>): string {
  for (;;) {
    let text = prefix;
    while (text.length < length) text += String(random.int(0, 9));
    if (!used.has(text)) {
      used.add(text);
      return text;
    }
  }
}
