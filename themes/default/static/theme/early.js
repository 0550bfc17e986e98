// Applied before first paint (loaded without defer from <head>) so the reader's settings and kiosk
// mode never flash. A file, not an inline script: the pages' Content-Security-Policy runs scripts
// from the site itself only. Plain ES5 on purpose.
(function(d){var c=['js'],s;
try{s=window.localStorage;if(s.getItem('gk-large-text')==='1')c.push('large-text');if(s.getItem('gk-high-contrast')==='1')c.push('high-contrast');}catch(e){}
try{s=window.sessionStorage;var q=location.search;
if(/(^|[?&])kiosk=1(&|$)/.test(q)||/(^|\s)kiosk-home(\s|$)/.test(d.className))s.setItem('gk-kiosk','1');
else if(/(^|[?&])kiosk=0(&|$)/.test(q))s.removeItem('gk-kiosk');
if(s.getItem('gk-kiosk')==='1')c.push('kiosk');}catch(e){}
d.className+=' '+c.join(' ');})(document.documentElement);
