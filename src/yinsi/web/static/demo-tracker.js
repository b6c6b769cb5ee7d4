/* The demo page's stand-in for an advertising tracker: it runs only after consent to advertising cookies. */
window.yinsiDemoTrackerRan = true;
document.documentElement.setAttribute("data-tracker", "on");
