// Observable Framework configuration for the Returnscope dashboard (pages arrive with the dashboard
// issue). Built offline: no CDN, no Google Fonts — see ../shared/framework-offline.md.
export default {
  title: "退货透视 Returnscope",
  root: "src",
  // The default stylesheet links Google Fonts, which these machines cannot reach.
  globalStylesheets: [],
  head: '<meta name="viewport" content="width=device-width, initial-scale=1">',
  search: false,
  footer: "",
};
