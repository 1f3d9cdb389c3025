/**
 * The fictional world of the sample: two shops, their products and SKUs, influencers, provinces,
 * reason texts, carriers and buyers. Story parameters (which SKU is defective, which product runs
 * small, …) live here next to the things they describe, so the truth file can quote them.
 */
import {PROVINCE_TABLE, PROVINCES, type Province} from "./geography.js";
import {BASICS_PRODUCTS, buildProducts, LIVE_PRODUCTS} from "./products.js";
import {hash32, Random, WeightedTable} from "./random.js";

export type ShopKey = "live-apparel" | "basics-store";
export type Genre = "直播" | "短视频" | "商品卡" | "其他";

export interface Sku {
  /** 商家编码, style-colour-size; the size is the last `-` segment as the merchant wrote it. */
  code: string;
  productId: string;
  style: string;
  colour: string;
  colourCode: string;
  /** As written in the code (`2XL` is this merchant's alias of XXL). */
  size: string;
  weight: number;
  defective: boolean;
}

export interface Product {
  id: string;
  style: string;
  name: string;
  category: string;
  priceFen: number;
  costFen: number;
  popularity: number;
  /** Scales the shop's base return propensity for this product. */
  returnMultiplier: number;
  /** Sizes that run small get an extra size-reason return probability. */
  smallSizes: readonly string[];
  smallSizeExtra: number;
  skus: Sku[];
}

export interface Influencer {
  id: string;
  nickname: string;
  share: number;
  returnMultiplier: number;
}

export interface Channel {
  genre: Genre;
  /** 流量来源: c_biz text; 精选联盟 means an influencer sold it. */
  source: "精选联盟" | "小店自卖";
  viaInfluencer: boolean;
  weight: number;
  trafficChannels: readonly string[];
  adShare: number;
}

export interface ShopProfile {
  key: ShopKey;
  name: string;
  products: Product[];
  channels: Channel[];
  influencers: Influencer[];
  /** Base probability that a line gets an after-sale, by 流量体裁. */
  baseReturn: Record<Genre, number>;
  /** Share of ordinary after-sales filed before shipment (未发货仅退款). */
  preShipShare: number;
  hourWeights: readonly number[];
  returnAddress: string;
  returnContact: string;
  returnPhone: string;
}

/** Live rooms sell in the evening; the basics shop sells all day. Index = hour of day. */
const LIVE_HOURS = [2, 1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 4, 5, 9, 12, 12, 9, 5];
const DAY_HOURS = [1, 0.5, 0.3, 0.2, 0.2, 0.3, 1, 2, 4, 5, 6, 6, 6, 5, 5, 5, 5, 5, 6, 7, 8, 8, 6, 3];

export interface Catalog {
  shops: Record<ShopKey, ShopProfile>;
  /** Story 6: buyers who file 已发货仅退款 again and again. */
  abusers: Buyer[];
}

export function buildCatalog(seed: number): Catalog {
  const random = new Random(hash32(seed, "catalog"));
  const used = new Set<string>();
  const liveInfluencers = buildInfluencers(random, [
    ["一起穿搭的小鹿", 0.3, 0.8, 19],
    ["穿搭日记Lily", 0.22, 0.8, 12],
    ["阿May的衣橱", 0.18, 0.8, 16],
    ["搭配师小周", 0.12, 0.8, 19],
    // Story 5: this influencer's audience returns far more.
    ["甜甜的穿搭号", 0.18, 1.5, 15],
  ]);
  const basicsInfluencers = buildInfluencers(random, [
    ["好物分享官阿杰", 0.6, 1, 19],
    ["居家日常小林", 0.4, 1, 11],
  ]);
  const live: ShopProfile = {
    key: "live-apparel",
    name: "雅衣阁女装直播间",
    products: buildProducts(random, LIVE_PRODUCTS, used),
    channels: [
      channel("直播", "小店自卖", false, 32, ["推荐feed", "关注", "直播广场", "搜索"], 0.35),
      channel("直播", "精选联盟", true, 28, ["推荐feed", "关注", "直播广场"], 0.25),
      channel("短视频", "精选联盟", true, 7, ["推荐feed", "搜索", "个人主页"], 0.2),
      channel("短视频", "小店自卖", false, 8, ["推荐feed", "搜索"], 0.3),
      channel("商品卡", "小店自卖", false, 20, ["商城推荐", "搜索", "橱窗", "店铺页"], 0.1),
      channel("其他", "小店自卖", false, 5, ["其他"], 0),
    ],
    influencers: liveInfluencers,
    // Story 4: live-stream orders return far more than 商品卡 orders.
    baseReturn: {直播: 0.56, 短视频: 0.38, 商品卡: 0.21, 其他: 0.3},
    preShipShare: 0.12,
    hourWeights: LIVE_HOURS,
    returnAddress: "浙江省杭州市余杭区****",
    returnContact: "林*",
    returnPhone: "139****0571",
  };
  const basics: ShopProfile = {
    key: "basics-store",
    name: "简素基础款旗舰店",
    products: buildProducts(random, BASICS_PRODUCTS, used),
    channels: [
      channel("商品卡", "小店自卖", false, 55, ["商城推荐", "搜索", "店铺页"], 0.15),
      channel("短视频", "精选联盟", true, 12, ["推荐feed", "搜索"], 0.2),
      channel("短视频", "小店自卖", false, 8, ["推荐feed"], 0.3),
      channel("直播", "小店自卖", false, 15, ["推荐feed", "关注"], 0.3),
      channel("其他", "小店自卖", false, 10, ["其他"], 0),
    ],
    influencers: basicsInfluencers,
    baseReturn: {直播: 0.2, 短视频: 0.16, 商品卡: 0.12, 其他: 0.12},
    preShipShare: 0.15,
    hourWeights: DAY_HOURS,
    returnAddress: "广东省佛山市南海区****",
    returnContact: "陈*",
    returnPhone: "137****2206",
  };
  const abuserRandom = random.fork("abusers");
  const abusers = [0, 1, 2, 3].map((i) => makeBuyer(abuserRandom, -1 - i, true));
  return {shops: {"live-apparel": live, "basics-store": basics}, abusers};
}

function channel(
  genre: Genre,
  source: Channel["source"],
  viaInfluencer: boolean,
  weight: number,
  trafficChannels: readonly string[],
  adShare: number,
): Channel {
  return {genre, source, viaInfluencer, weight, trafficChannels, adShare};
}

function buildInfluencers(
  random: Random,
  specs: readonly (readonly [string, number, number, number])[],
): Influencer[] {
  return specs.map(([nickname, share, returnMultiplier, idLength]) => ({
    id: random.digits(idLength),
    nickname,
    share,
    returnMultiplier,
  }));
}

export function productTable(shop: ShopProfile): WeightedTable<Product> {
  return new WeightedTable(shop.products.map((p) => [p, p.popularity] as const));
}

export function skuTable(product: Product): WeightedTable<Sku> {
  // Story 2 needs enough sales of the defective SKUs to be visible in a small sample.
  return new WeightedTable(product.skus.map((s) => [s, s.weight * (s.defective ? 1.6 : 1)] as const));
}

// ---------------------------------------------------------------------------------------------
// Buyers. Exports mask them (`张**`, `138****5678`, `南山区****`); the masked triple is the only
// buyer key an analysis can use, so that is what the abuse story is written against.

export interface Buyer {
  index: number;
  name: string;
  phone: string;
  province: Province;
  city: string;
  district: string;
  street: string;
  address: string;
  abuser: boolean;
}

const SURNAMES = [
  ..."王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤",
  "欧阳",
  "上官",
];
const PHONE_PREFIXES =
  "130 131 132 133 135 136 137 138 139 150 151 152 155 156 158 159 166 176 177 178 180 181 182 183 185 186 187 188 189 191 198 199".split(
    " ",
  );
const STREETS =
  "新华街道 人民路街道 城东街道 城西街道 南湖街道 东风街道 长安街道 建设路街道 光明街道 解放路街道".split(
    " ",
  );

export function makeBuyer(random: Random, index: number, abuser: boolean): Buyer {
  const province = abuser ? pickAbuserProvince(random) : PROVINCE_TABLE.sample(random);
  const [city, districts] = province.cities.length ? random.pick(province.cities) : (["-", ["-"]] as const);
  const district = random.pick(districts);
  const surname = random.pick(SURNAMES);
  const name = `${surname}${random.chance(0.85) ? "**" : "*"}`;
  const phone = `${random.pick(PHONE_PREFIXES)}****${String(random.int(0, 9999)).padStart(4, "0")}`;
  const street = district === "-" || random.chance(0.1) ? "-" : random.pick(STREETS);
  const address =
    district === "-" ? "****" : `${street === "-" || random.chance(0.8) ? district : street}****`;
  return {index, name, phone, province, city, district, street, address, abuser};
}

function pickAbuserProvince(random: Random): Province {
  // Ordinary, populous provinces: abuse should not be explained away by geography.
  const names = ["广东省", "江苏省", "河南省", "陕西省", "山东省"];
  const full = random.pick(names);
  return PROVINCES.find((p) => p.full === full) as Province;
}

/** Buyer of the n-th pooled customer, derived statelessly so streaming generation needs no table. */
export function pooledBuyer(seed: number, shop: ShopKey, index: number): Buyer {
  return makeBuyer(new Random(hash32(seed, shop, "buyer", index)), index, false);
}
