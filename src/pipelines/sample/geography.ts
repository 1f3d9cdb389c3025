/**
 * Where parcels go: provinces as the exports spell them (domain.md §7), with the weights and the
 * remote-province story, and the carriers whose tracking numbers appear in 快递信息.
 */
import {WeightedTable, type Random} from "./random.js";

export interface Province {
  full: string;
  short: string;
  code: string;
  weight: number;
  /** Story 3: remote provinces return more and their return parcels travel longer. */
  remote: boolean;
  cities: readonly (readonly [string, readonly string[]])[];
}

const P = (
  full: string,
  short: string,
  code: string,
  weight: number,
  cities: Record<string, string>,
  remote = false,
): Province => ({
  full,
  short,
  code,
  weight,
  remote,
  cities: Object.entries(cities).map(([city, districts]) => [city, districts.split(" ")] as const),
});

/** Weights approximate online-order shares; 新疆/西藏/青海 are raised so story 3 is measurable. */
export const PROVINCES: readonly Province[] = [
  P("北京市", "北京", "110000", 3, {北京市: "朝阳区 海淀区 丰台区 昌平区"}),
  P("天津市", "天津", "120000", 1.3, {天津市: "南开区 河西区 滨海新区"}),
  P("河北省", "河北", "130000", 4.5, {石家庄市: "长安区 裕华区", 保定市: "竞秀区 莲池区", 唐山市: "路北区"}),
  P("山西省", "山西", "140000", 2, {太原市: "小店区 迎泽区", 大同市: "平城区"}),
  P("内蒙古自治区", "内蒙古", "150000", 1.4, {呼和浩特市: "赛罕区 新城区", 包头市: "昆都仑区"}),
  P("辽宁省", "辽宁", "210000", 2.8, {沈阳市: "和平区 浑南区", 大连市: "甘井子区 沙河口区"}),
  P("吉林省", "吉林", "220000", 1.5, {长春市: "朝阳区 南关区", 吉林市: "船营区"}),
  P("黑龙江省", "黑龙江", "230000", 2, {哈尔滨市: "南岗区 道里区", 大庆市: "萨尔图区"}),
  P("上海市", "上海", "310000", 3.5, {上海市: "浦东新区 闵行区 徐汇区 宝山区"}),
  P("江苏省", "江苏", "320000", 7.5, {
    南京市: "江宁区 鼓楼区",
    苏州市: "吴中区 姑苏区 昆山市",
    无锡市: "梁溪区",
  }),
  P("浙江省", "浙江", "330000", 7, {杭州市: "西湖区 余杭区 萧山区", 宁波市: "鄞州区", 温州市: "鹿城区"}),
  P("安徽省", "安徽", "340000", 3.5, {合肥市: "蜀山区 包河区", 芜湖市: "镜湖区"}),
  P("福建省", "福建", "350000", 3.5, {福州市: "鼓楼区 仓山区", 厦门市: "思明区 湖里区", 泉州市: "丰泽区"}),
  P("江西省", "江西", "360000", 2.5, {南昌市: "红谷滩区 东湖区", 赣州市: "章贡区"}),
  P("山东省", "山东", "370000", 6.5, {济南市: "历下区 槐荫区", 青岛市: "黄岛区 市南区", 临沂市: "兰山区"}),
  P("河南省", "河南", "410000", 6, {郑州市: "金水区 二七区", 洛阳市: "洛龙区", 南阳市: "宛城区"}),
  P("湖北省", "湖北", "420000", 4, {武汉市: "洪山区 江汉区 武昌区", 宜昌市: "西陵区"}),
  P("湖南省", "湖南", "430000", 4, {长沙市: "岳麓区 雨花区", 株洲市: "天元区"}),
  P("广东省", "广东", "440000", 11, {
    深圳市: "南山区 福田区 宝安区 龙岗区",
    广州市: "天河区 海珠区 白云区",
    佛山市: "南海区 顺德区",
  }),
  P("广西壮族自治区", "广西", "450000", 2.8, {南宁市: "青秀区 西乡塘区", 柳州市: "城中区"}),
  P("海南省", "海南", "460000", 0.8, {海口市: "美兰区 龙华区", 三亚市: "吉阳区"}),
  P("重庆市", "重庆", "500000", 2.2, {重庆市: "渝北区 江北区 沙坪坝区"}),
  P("四川省", "四川", "510000", 5, {成都市: "武侯区 锦江区 双流区", 绵阳市: "涪城区"}),
  P("贵州省", "贵州", "520000", 1.8, {贵阳市: "南明区 观山湖区", 遵义市: "汇川区"}),
  P("云南省", "云南", "530000", 2.5, {昆明市: "五华区 官渡区", 大理白族自治州: "大理市"}),
  P("西藏自治区", "西藏", "540000", 0.9, {拉萨市: "城关区 堆龙德庆区", 日喀则市: "桑珠孜区"}, true),
  P("陕西省", "陕西", "610000", 2.5, {西安市: "雁塔区 未央区 长安区", 宝鸡市: "渭滨区"}),
  P("甘肃省", "甘肃", "620000", 1.2, {兰州市: "城关区 七里河区", 天水市: "秦州区"}),
  P("青海省", "青海", "630000", 1, {西宁市: "城西区 城东区", 海东市: "乐都区"}, true),
  P("宁夏回族自治区", "宁夏", "640000", 0.5, {银川市: "兴庆区 金凤区"}),
  P(
    "新疆维吾尔自治区",
    "新疆",
    "650000",
    2.2,
    {乌鲁木齐市: "天山区 沙依巴克区 新市区", 伊犁哈萨克自治州: "伊宁市", 喀什地区: "喀什市"},
    true,
  ),
  P("台湾省", "台湾", "710000", 0, {}),
  P("香港特别行政区", "香港", "810000", 0, {}),
  P("澳门特别行政区", "澳门", "820000", 0, {}),
];

/** Addresses the platform could not resolve to a province: shown as 海外 or `-`. */
export const UNKNOWN_PROVINCES: readonly Province[] = [
  {full: "海外", short: "海外", code: "", weight: 0.25, remote: false, cities: [["-", ["-"]]]},
  {full: "-", short: "-", code: "", weight: 0.15, remote: false, cities: [["-", ["-"]]]},
];

export const REMOTE_RETURN_MULTIPLIER = 1.4;

/** Where ordinary buyers live. */
export const PROVINCE_TABLE = new WeightedTable(
  [...PROVINCES, ...UNKNOWN_PROVINCES].filter((p) => p.weight > 0).map((p) => [p, p.weight] as const),
);

export interface Carrier {
  name: string;
  tracking: (random: Random) => string;
}

export const CARRIERS: WeightedTable<Carrier> = new WeightedTable<Carrier>([
  [{name: "中通快递", tracking: (r) => `73${r.digits(12)}`}, 30],
  [{name: "圆通速递", tracking: (r) => `YT${r.digits(13)}`}, 22],
  [{name: "韵达快递", tracking: (r) => `43${r.digits(13)}`}, 18],
  [{name: "申通快递", tracking: (r) => `77${r.digits(13)}`}, 10],
  [{name: "极兔速递", tracking: (r) => `JT${r.digits(13)}`}, 12],
  [{name: "顺丰速运", tracking: (r) => `SF${r.digits(13)}`}, 5],
  [{name: "邮政快递包裹", tracking: (r) => `98${r.digits(11)}`}, 3],
]);
